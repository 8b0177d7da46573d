/**
 * Retry amplification through the call graph. A service's nominal load is what the call graph
 * would put on it if every call were made once: each workload's requests, carried down every
 * call edge with its probability. Its amplification is the upstream attempts that really reached
 * it (every layer's retries included: the apps' own clients and every sidecar's) over that
 * nominal load. In a chain whose leaf always fails and whose layers each try 1 + r times
 * independently, the factor at depth d is exactly (1 + r)^d (test/mesh/amplification.test.ts).
 */
import type { ServiceModel } from './service-model.ts';

export interface CallGraph {
  /** Per workload, the services its requests land on, each with its share of them. */
  workloadTargets: readonly (readonly TargetShare[])[];
  services: readonly ServiceModel[];
}

export interface TargetShare {
  service: number;
  share: number;
}

/**
 * Where a call to `target` lands: its route's destinations in the scenario's weights
 * (kubernetes-istio.md §6), or the service itself. Later weight shifts are not followed.
 */
export function routeShares(services: readonly ServiceModel[], target: number): TargetShare[] {
  const route = services[target]!.route;
  if (!route) return [{ service: target, share: 1 }];
  // A lone destination takes every request whatever its weight (kubernetes-istio.md §6).
  if (route.destinations.length === 1) return [{ service: route.destinations[0]!, share: 1 }];
  const total = route.weights.reduce((a, w) => a + w, 0);
  return Array.from(route.destinations, (service, i) => ({ service, share: route.weights[i]! / total }));
}

/** reach[w][s]: expected calls to service s per request of workload w (DAG: memoised recursion). */
export function reachPerRootRequest(g: CallGraph): Float64Array[] {
  const n = g.services.length;
  const fromService: (Float64Array | undefined)[] = new Array(n);
  const from = (s: number): Float64Array => {
    const cached = fromService[s];
    if (cached) return cached;
    const out = new Float64Array(n);
    out[s] = 1;
    for (const c of g.services[s]!.calls) for (const t of routeShares(g.services, c.target)) add(out, from(t.service), c.probability * t.share);
    fromService[s] = out;
    return out;
  };
  return g.workloadTargets.map((targets) => {
    const out = new Float64Array(n);
    for (const t of targets) add(out, from(t.service), t.share);
    return out;
  });
}

function add(out: Float64Array, below: Float64Array, weight: number): void {
  for (let t = 0; t < out.length; t++) out[t]! += weight * below[t]!;
}

/** Hops from the ingress gateway to each service (1 for a workload's target); 0 if unreachable. */
export function callDepths(g: CallGraph): number[] {
  const depth = g.services.map(() => 0);
  let frontier = [...new Set(g.workloadTargets.flatMap((ts) => ts.map((t) => t.service)))];
  for (const s of frontier) depth[s] = 1;
  for (let d = 2; frontier.length > 0; d++) {
    const next: number[] = [];
    for (const s of frontier) {
      for (const c of g.services[s]!.calls) {
        for (const { service: t } of routeShares(g.services, c.target)) {
          if (depth[t] === 0) {
            depth[t] = d;
            next.push(t);
          }
        }
      }
    }
    frontier = next;
  }
  return depth;
}
