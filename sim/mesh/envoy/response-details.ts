import { ResetReason } from './retry-policy.ts';

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
  /** The per-try timeout fired (envoy.md §4.3): 504 UT if not retried. */
  PER_TRY_TIMEOUT: 10,
  /** A circuit breaker overflowed (envoy.md §5): 503 UO, never retried. */
  OVERFLOW: 11,
  /** The callee dropped work whose caller's deadline had passed (deadline propagation). */
  DEADLINE_EXCEEDED: 12,
  /** The app answered 500 by itself (timeline `degrade` errorRate). */
  APP_ERROR: 13,
  /** The calling app's own client timed out and closed the stream. */
  APP_CLIENT_TIMEOUT: 14,
  /** Envoy's connect timeout ran out while SYNs were being dropped (conntrack.md §2.2): UF. */
  CONNECT_TIMEOUT: 15,
  /** The kernel gave up on the connect (ETIMEDOUT after its last SYN, conntrack.md §2.1): UF. */
  CONNECT_FAILURE: 16,
  /** The app's own request timeout fired (app.requestTimeout, Rack::Timeout): it answered 500. */
  APP_REQUEST_TIMEOUT: 17,
  /** The app abandoned this call: the request that made it timed out (app.requestTimeout). */
  APP_ABANDONED: 18,
  /** A client without a sidecar reached a Service with no ready endpoint: kube-proxy REJECTs the connection. */
  NO_ENDPOINTS: 19,
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
  'upstream_per_try_timeout',
  'upstream_reset_before_response_started{overflow}',
  'deadline_exceeded{dropped_by_callee}',
  'via_upstream{app_error}',
  'downstream_remote_disconnect{app_client_timeout}',
  'upstream_reset_before_response_started{connection_timeout}',
  'upstream_reset_before_response_started{local_connection_failure}',
  'via_upstream{app_request_timeout}',
  'downstream_remote_disconnect{app_request_timeout}',
  'connection_refused{kube_proxy_no_endpoints}',
];

/**
 * How the retry decision sees each detail (retry-policy.ts ResetReason): a reset class, or NONE
 * for a response whose status code decides (envoy.md §4.1). A new detail needs a row here.
 */
export const RESET_REASON_OF_DETAIL: Uint8Array = Uint8Array.from([
  ResetReason.NONE, // VIA_UPSTREAM
  ResetReason.NONE, // NO_HEALTHY_UPSTREAM (local reply, never an attempt outcome)
  ResetReason.NONE, // RESPONSE_TIMEOUT (route timeout: no retry, envoy.md §4.3)
  ResetReason.CONNECTION_TERMINATION, // UPSTREAM_RESET: UC
  ResetReason.CONNECT_FAILURE, // UPSTREAM_REFUSED: the SYN got an RST, UF
  ResetReason.NONE, // APP_REFUSED: the upstream's inbound Envoy answered 503 (a response)
  ResetReason.NONE, // LOCAL_REFUSED
  ResetReason.NONE, // LOCAL_EXITED
  ResetReason.NONE, // DOWNSTREAM_GONE
  ResetReason.NONE, // NO_CLUSTER
  ResetReason.PER_TRY_TIMEOUT, // PER_TRY_TIMEOUT: LocalReset
  ResetReason.OVERFLOW, // OVERFLOW
  ResetReason.NONE, // DEADLINE_EXCEEDED: the callee answered 504
  ResetReason.NONE, // APP_ERROR: 500
  ResetReason.NONE, // APP_CLIENT_TIMEOUT
  ResetReason.CONNECT_FAILURE, // CONNECT_TIMEOUT: Envoy's connect timeout, a connect failure (UF)
  ResetReason.CONNECT_FAILURE, // CONNECT_FAILURE: the kernel gave up on the SYNs (UF)
  ResetReason.NONE, // APP_REQUEST_TIMEOUT: the app answered 500 (retriable only as a 5xx)
  ResetReason.NONE, // APP_ABANDONED
  ResetReason.NONE, // NO_ENDPOINTS (no client Envoy: never retried)
]);
