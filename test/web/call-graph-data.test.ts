import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/index.ts';
import { parseScenario } from '../../sim/scenario/index.ts';
import { callGraph, edgeFlows } from '../../web/src/call-graph-data.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

const quickstart = parseScenario(readFileSync(new URL('../../scenarios/quickstart.yaml', import.meta.url), 'utf8'), 'scenarios/quickstart.yaml');

describe('call graph data', () => {
  it('has an edge per call with its probability, layered by longest path from the workloads', () => {
    const g = callGraph(quickstart);
    expect(g.edges).toEqual([
      { from: 'shoppers', to: 'frontend', probability: 1 },
      { from: 'frontend', to: 'auth', probability: 1 },
      { from: 'frontend', to: 'catalog', probability: 1 },
      { from: 'frontend', to: 'recommendations', probability: 1 },
      { from: 'catalog', to: 'inventory', probability: 0.3 },
    ]);
    expect(Object.fromEntries(g.nodes.map((n) => [n.name, n.layer]))).toEqual({ shoppers: 0, frontend: 1, auth: 2, catalog: 2, recommendations: 2, inventory: 3 });
  });

  it("an edge into a single-caller service carries exactly that service's requests; a shared callee's requests are split in full", () => {
    const s = scenarioFrom(`
duration: 2s
services:
  a: { replicas: 2, calls: [{ service: c }] }
  b: { replicas: 2, calls: [{ service: c, probability: 0.5 }, { service: d }] }
  c: { replicas: 2 }
  d: { replicas: 1, app: { serviceTime: 30ms, concurrency: 1 } }
workload: [{ name: wa, to: a, rate: 300/s }, { name: wb, to: b, rate: 100/s }]
`);
    const { timeSeries: ts } = runScenario(s, { seed: 4 });
    const g = callGraph(s);
    const i = 1;
    const flows = edgeFlows(g, ts, i);
    const started = (name: string) => ts.columns.started[ts.series.findIndex((x) => x.name === name && x.kind === 'service') * ts.intervals + i]!;
    const flow = (from: string, to: string) => flows.find((f) => f.from === from && f.to === to)!;
    expect(flow('b', 'd').ratePerS).toBe(started('d'));
    expect(flow('b', 'd').estimated).toBe(false);
    expect(flow('a', 'c').estimated).toBe(true);
    expect(flow('a', 'c').ratePerS + flow('b', 'c').ratePerS).toBeCloseTo(started('c'), 9);
    // d (one worker, 30 ms) is overloaded at 100/s: its error share is the non-2xx share of its answers.
    const d = ts.series.findIndex((x) => x.name === 'd');
    const ended = ts.columns.ended[d * ts.intervals + i]!;
    expect(flow('b', 'd').errorShare).toBe(1 - ts.columns.success[d * ts.intervals + i]! / ended);
  });

  it("a call to a routed service goes to its destinations by weight; kube-proxy's clients by the Service's pods", () => {
    const canary = parseScenario(readFileSync(new URL('../../scenarios/pagerduty-canary-mesh-split.yaml', import.meta.url), 'utf8'), 'canary.yaml');
    const g = callGraph(canary);
    expect(g.edges).toEqual([
      { from: 'shoppers', to: 'checkout', probability: 1 },
      { from: 'batch-job', to: 'payments', probability: 0.5 },
      { from: 'batch-job', to: 'payments-canary', probability: 0.5 },
      { from: 'checkout', to: 'payments', probability: 0.9 },
      { from: 'checkout', to: 'payments-canary', probability: 0.1 },
    ]);
    expect(Object.fromEntries(g.nodes.map((n) => [n.name, n.layer]))).toEqual({ shoppers: 0, 'batch-job': 0, checkout: 1, payments: 2, 'payments-canary': 2 });
  });
});
