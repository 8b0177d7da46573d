/**
 * Every event the mesh schedules, as a small integer dispatched by World.dispatch.
 * Request events carry (request id, request generation) and assert the generation.
 */
export const EventKind = {
  /** Next open-loop arrival. a = workload index, b = workload generation (a rate change supersedes). */
  OPEN_LOOP_ARRIVAL: 1,
  /** A closed-loop client finished thinking. a = client id. */
  CLIENT_THINK_DONE: 2,
  /** A request reached its upstream pod. */
  REQUEST_ARRIVE: 3,
  /** An app finished its own work on a request. */
  SERVICE_DONE: 4,
  /** A response (or reset) reached the client sidecar. */
  RESPONSE_ARRIVE: 5,
  /** A route timeout fired at the client sidecar. */
  ROUTE_TIMEOUT: 6,
  /** A terminating pod's grace period ran out. a = pod id. */
  POD_GRACE_EXPIRED: 8,
  /** A timeline action. a = index into scenario.timeline. */
  TIMELINE: 9,
  /** An interval boundary: close the metrics interval. */
  METRICS_TICK: 10,
  // ---- kubelet: containers of pod a; b = the app container's epoch where it matters ----
  /** The istio-proxy process is up and opens its xDS stream. */
  PROXY_BOOTED: 11,
  /** Envoy's initial_fetch_timeout ran out before its first config. */
  PROXY_INITIAL_FETCH_TIMEOUT: 12,
  /** The proxy's startup/readiness probe passes (first 1 s tick after LIVE). */
  PROXY_PROBE_PASSED: 13,
  /** The kubelet starts the app container (after the hold, or a crash's back-off). */
  APP_START: 14,
  /** The app finished its warm-up and listens. */
  APP_SERVING: 15,
  /** The app container's readiness probe passes. */
  APP_PROBE_PASSED: 16,
  /** A container's preStop hook finished: SIGTERM. b = 0 app, 1 proxy. */
  CONTAINER_SIGTERM: 17,
  /** The app's shutdownDelay after SIGTERM ran out: it stops accepting. */
  APP_STOP_ACCEPTING: 18,
  /** Envoy's terminationDrainDuration ran out: pilot-agent kills it. */
  PROXY_DRAIN_DONE: 19,
  /** The 2 s between the last SIGTERM and SIGKILL (KEP-753) ran out. */
  POD_SIGKILL: 20,
  /** A pod has been ready for minReadySeconds: it counts as available. */
  POD_AVAILABLE: 22,
  // ---- control plane ----
  /** The EndpointSlice controller syncs service a (its write reaches istiod). */
  ENDPOINT_SLICE_SYNC: 23,
  /** istiod's debounce timer. */
  ISTIOD_DEBOUNCE: 24,
  /** Proxy a applied the push it was sent. */
  XDS_APPLY: 25,
  /** Deployment and ReplicaSet controllers reconcile service a. */
  RECONCILE: 26,
  /** An inspection point: proxy-status and invariant checks at a chosen time. */
  INSPECT: 27,
  /** kube-proxy rewrites its rules (kube-proxy.ts). */
  KUBE_PROXY_SYNC: 28,
  // ---- Envoy host health (a = cluster id of host-health.ts) ----
  /** An active health check is sent. b = slot, generation and 0 (host-health.ts encode). */
  HC_CHECK: 30,
  /** An active health check's answer (or timeout) is back. b = slot, generation and result. */
  HC_RESULT: 31,
  /** Outlier detection's interval timer. */
  OUTLIER_TICK: 32,
  /** A --proxy-config view is taken. a = index into WorldOptions.proxyConfigAt. */
  PROXY_CONFIG_DUMP: 33,
  // ---- retries and overload (40-49) ----
  /** An attempt's per-try timeout fired (envoy.md §4.3). a = attempt row. */
  PER_TRY_TIMEOUT: 40,
  /** A request's retry backoff ran out: its next attempt goes out (envoy.md §4.2). a = request row. */
  RETRY_BACKOFF: 41,
  /** An app client's try timed out. a = app-call row. */
  APP_CALL_TIMEOUT: 42,
  /** An app client's wait before its next try ran out. a = app-call row. */
  APP_CALL_RETRY: 43,
  /** A timeline `degrade` window ends. a = index into scenario.timeline. */
  DEGRADE_END: 44,
  /** An app's own request timeout (Rack::Timeout's service_timeout) fired. a = job row. */
  APP_REQUEST_TIMEOUT: 45,
  // ---- connections and conntrack (50-59) ----
  /** The next SYN of a waiting TCP connect attempt. a = attempt id, b = attempt generation. */
  SYN_RETRANSMIT: 50,
  /** The kernel's last SYN wait ran out (ETIMEDOUT). a = attempt id, b = attempt generation. */
  TCP_CONNECT_GIVE_UP: 51,
  /** Envoy's connect timeout for an attempt. a = attempt id, b = attempt generation. */
  CONNECT_TIMEOUT: 52,
  /** A conntrack expiry-wheel slot ends: expire entries, run the GC worker, close idle connections. */
  CONNTRACK_TICK: 53,
} as const;
