/**
 * Envoy response flags recorded by meshsim, as bits in a request's flag word (envoy.md §7).
 * Envoy prints flags in the order they were set; `flagsToString` prints them in the order a
 * request sets them in this model (URX before the reset flag, as router.cc does).
 */
export const ResponseFlag = {
  /** No healthy upstream: the LB returned no host (503). */
  UH: 1 << 0,
  /** Upstream connection failure (503). */
  UF: 1 << 1,
  /** Upstream overflow: circuit breaker (503). */
  UO: 1 << 2,
  /** Retry limit exceeded. */
  URX: 1 << 3,
  /** Upstream request timeout (504). */
  UT: 1 << 4,
  /** Upstream connection termination: the connection closed mid-request (503). */
  UC: 1 << 5,
  /** Downstream connection termination: the caller went away. */
  DC: 1 << 6,
  /** No route found (404). */
  NR: 1 << 7,
  /** No cluster found: the route's cluster is not in the proxy's config (503). */
  NC: 1 << 8,
} as const;

export type ResponseFlagName = keyof typeof ResponseFlag;

/** Print order: URX first, as Envoy sets it before the reset flag (envoy.md §7, URX row). */
export const FLAG_NAMES: readonly ResponseFlagName[] = ['URX', 'UH', 'UF', 'UO', 'UT', 'UC', 'DC', 'NR', 'NC'];

/** Envoy's `%RESPONSE_FLAGS%`: comma-joined, or "-" when none. */
export function flagsToString(flags: number): string {
  if (flags === 0) return '-';
  const names: string[] = [];
  for (const name of FLAG_NAMES) if (flags & ResponseFlag[name]) names.push(name);
  return names.join(',');
}
