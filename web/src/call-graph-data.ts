/**
 * The call graph at a moment: who calls whom (from the scenario; a call to a routed service goes
 * to its destinations), laid out in layers from the workloads, with each edge's request rate and
 * its callee's error share in one interval.
 *
 * The time series counts requests per service, not per (caller, callee) pair. An edge into a
 * service with one caller carries exactly that service's rate; a service with several callers
 * has its rate split by each caller's rate times its call probability, and the edge says it
 * is an estimate.
 */
import type { Scenario, TimeSeries } from 'meshsim/browser';

export interface GraphNode {
  name: string;
  kind: 'workload' | 'service';
  /** 0 for workloads, then the longest call path from one. */
  layer: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** Expected calls per request of the caller. */
  probability: number;
}

export interface CallGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/**
 * Where requests to `target` land, with each service's expected share: a sidecar follows its
 * route's weights as the scenario starts them; kube-proxy spreads over the Service's pods (its
 * own and its destinations', by their starting replicas).
 */
function landsOn(scenario: Scenario, target: string, viaKubeProxy: boolean): { service: string; share: number }[] {
  const route = scenario.services[target]?.route;
  if (!route) return [{ service: target, share: 1 }];
  if (viaKubeProxy) {
    const selected = [...new Set([target, ...route.map((d) => d.destination)])];
    const pods = selected.reduce((n, s) => n + scenario.services[s]!.replicas, 0);
    return selected.map((s) => ({ service: s, share: pods === 0 ? 1 / selected.length : scenario.services[s]!.replicas / pods }));
  }
  // A lone destination takes every request whatever its weight (kubernetes-istio.md §6).
  if (route.length === 1) return [{ service: route[0]!.destination, share: 1 }];
  const total = route.reduce((n, d) => n + d.weight, 0);
  return route.map((d) => ({ service: d.destination, share: d.weight / total }));
}

export function callGraph(scenario: Scenario): CallGraph {
  const edges: GraphEdge[] = [];
  const add = (from: string, to: string, p: number) => {
    const e = edges.find((x) => x.from === from && x.to === to);
    if (e) e.probability += p;
    else edges.push({ from, to, probability: p });
  };
  for (const w of scenario.workload) for (const t of landsOn(scenario, w.to, w.via === 'kube-proxy')) add(w.name, t.service, t.share);
  for (const [name, svc] of Object.entries(scenario.services)) {
    for (const step of svc.calls) for (const call of 'parallel' in step ? step.parallel : [step]) for (const t of landsOn(scenario, call.service, false)) add(name, t.service, call.probability * t.share);
  }
  const layer = new Map<string, number>(scenario.workload.map((w) => [w.name, 0]));
  // The call graph is acyclic (validation rejects cycles), so relaxing |services| times settles it.
  for (let round = 0; round <= Object.keys(scenario.services).length; round++) {
    for (const e of edges) {
      const l = layer.get(e.from);
      if (l !== undefined && (layer.get(e.to) ?? -1) < l + 1) layer.set(e.to, l + 1);
    }
  }
  const nodes: GraphNode[] = [
    ...scenario.workload.map((w): GraphNode => ({ name: w.name, kind: 'workload', layer: 0 })),
    ...Object.keys(scenario.services).map((n): GraphNode => ({ name: n, kind: 'service', layer: layer.get(n) ?? 1 })),
  ];
  return { nodes, edges };
}

export interface EdgeFlow extends GraphEdge {
  ratePerS: number;
  /** Share of the callee's answers in the interval that were not 2xx; NaN if none ended. */
  errorShare: number;
  /** The rate is split among several callers (see the module comment). */
  estimated: boolean;
}

/** Each edge's rate and error share during interval `i`. */
export function edgeFlows(graph: CallGraph, ts: TimeSeries, i: number): EdgeFlow[] {
  const index = new Map(ts.series.map((s, k) => [`${s.kind}:${s.name}`, k]));
  const cell = (kind: string, name: string) => {
    const k = index.get(`${kind}:${name}`);
    return k === undefined ? -1 : k * ts.intervals + i;
  };
  const intervalS = ts.intervalNs / 1e9;
  const started = (kind: string, name: string) => {
    const c = cell(kind, name);
    return c < 0 ? 0 : ts.columns.started[c]! / intervalS;
  };
  const kindOf = new Map(graph.nodes.map((n) => [n.name, n.kind]));
  return graph.edges.map((e) => {
    const into = graph.edges.filter((x) => x.to === e.to);
    const weight = (x: GraphEdge) => started(kindOf.get(x.from) ?? 'service', x.from) * x.probability;
    const total = into.reduce((a, x) => a + weight(x), 0);
    const calleeRate = started('service', e.to);
    const ratePerS = into.length === 1 ? calleeRate : total > 0 ? (calleeRate * weight(e)) / total : 0;
    const c = cell('service', e.to);
    const ended = c < 0 ? 0 : ts.columns.ended[c]!;
    const errorShare = ended > 0 ? 1 - ts.columns.success[c]! / ended : NaN;
    return { ...e, ratePerS, errorShare, estimated: into.length > 1 };
  });
}
