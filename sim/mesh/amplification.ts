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
  /** Per workload, the service it sends to. */
  workloadTargets: readonly number[];
  services: readonly ServiceModel[];
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
    for (const c of g.services[s]!.calls) {
      const below = from(c.target);
      for (let t = 0; t < n; t++) out[t]! += c.probability * below[t]!;
    }
    fromService[s] = out;
    return out;
  };
  return g.workloadTargets.map((t) => from(t));
}

/** Hops from the ingress gateway to each service (1 for a workload's target); 0 if unreachable. */
export function callDepths(g: CallGraph): number[] {
  const depth = g.services.map(() => 0);
  let frontier = [...new Set(g.workloadTargets)];
  for (const s of frontier) depth[s] = 1;
  for (let d = 2; frontier.length > 0; d++) {
    const next: number[] = [];
    for (const s of frontier) {
      for (const c of g.services[s]!.calls) {
        if (depth[c.target] === 0) {
          depth[c.target] = d;
          next.push(c.target);
        }
      }
    }
    frontier = next;
  }
  return depth;
}
