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
  /** A starting pod became ready. a = pod id. */
  POD_READY: 7,
  /** A terminating pod's grace period ran out. a = pod id. */
  POD_GRACE_EXPIRED: 8,
  /** A timeline action. a = index into scenario.timeline. */
  TIMELINE: 9,
  /** An interval boundary: close the metrics interval. */
  METRICS_TICK: 10,
} as const;
