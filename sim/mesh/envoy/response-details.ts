/**
 * Why a request ended as it did, in the spirit of Envoy's %RESPONSE_CODE_DETAILS%: one byte per
 * request, printed in the access log so every failure explains itself.
 */
export const Detail = {
  VIA_UPSTREAM: 0,
  NO_HEALTHY_UPSTREAM: 1,
  RESPONSE_TIMEOUT: 2,
  /** The upstream connection was cut mid-request (pod killed, or its Envoy exited): UC. */
  UPSTREAM_RESET: 3,
  /** The upstream pod's sidecar refused the connection (not listening yet, or exited): UF. */
  UPSTREAM_REFUSED: 4,
  /** The upstream sidecar answered 503: its app refused the connection (starting, stopping). */
  APP_REFUSED: 5,
  /** The caller's own sidecar refused the app's connection (no listener on 15001 yet, §1.1). */
  LOCAL_REFUSED: 6,
  /** The caller's own sidecar exited while the request was open. */
  LOCAL_EXITED: 7,
  /** The calling pod went away. */
  DOWNSTREAM_GONE: 8,
  /** The caller's sidecar has no config for the cluster (started without it, initialFetchTimeout). */
  NO_CLUSTER: 9,
  /** Envoy's connect timeout ran out while SYNs were being dropped (conntrack.md §2.2): UF. */
  CONNECT_TIMEOUT: 10,
  /** The kernel gave up on the connect (ETIMEDOUT after its last SYN, conntrack.md §2.1): UF. */
  CONNECT_FAILURE: 11,
} as const;

export const DETAIL_TEXT: readonly string[] = [
  'via_upstream',
  'no_healthy_upstream',
  'response_timeout',
  'upstream_reset_before_response_started{connection_termination}',
  'upstream_reset_before_response_started{remote_connection_failure}',
  'via_upstream{upstream_connect_error:app_not_listening}',
  'local_sidecar_refused{no_listener_on_15001}',
  'local_sidecar_exited',
  'downstream_remote_disconnect',
  'cluster_not_found',
  'upstream_reset_before_response_started{connection_timeout}',
  'upstream_reset_before_response_started{local_connection_failure}',
];
