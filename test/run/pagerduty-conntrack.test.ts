import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { evaluateExpectations, runScenario, type RunResult } from '../../sim/run/index.ts';
import { parseScenario } from '../../sim/scenario/index.ts';

/**
 * scenarios/pagerduty-conntrack-4000-pods.yaml at a tenth of its size (shipped-expectations.test.ts
 * skips the 4000-pod files for time): 400 pods on 8 nodes, the same 25 + 25 pods per node, so each
 * host table's pooled-connection demand is a tenth (§3.4: it grows with the upstream's endpoints),
 * and so is kube-proxy's conntrack setting. Every expect: line must hold here as it does at full
 * size (`meshsim check scenarios/pagerduty-conntrack-4000-pods.yaml`, README).
 */
function scaledDown(): ReturnType<typeof parseScenario> {
  const doc = parse(readFileSync('scenarios/pagerduty-conntrack-4000-pods.yaml', 'utf8'));
  doc.cluster.nodes = 8;
  doc.services.web.replicas = 200;
  doc.services.api.replicas = 200;
  doc.workload[0].rate = '3000/s';
  doc.duration = '60s';
  doc.cluster.conntrack.maxPerCore = 3277; // x 4 vCPU = 13 108, a tenth of 131 072 (the min alike)
  doc.cluster.conntrack.min = 13_107;
  return parseScenario(stringify(doc), 'pagerduty-scaled.yaml');
}

const relabel = (runs: RunResult[], from: string, to: string): RunResult[] =>
  runs.filter((r) => r.summary.variant === from).map((r) => ({ ...r, summary: { ...r.summary, variant: to } }));

describe('the PagerDuty conntrack scenario (scaled to a tenth)', () => {
  const s = scaledDown();
  const runs = ['base', ...s.variants.map((v) => v.name)].map((variant) => runScenario(s, { variant }));

  it('every expectation holds', () => {
    expect(evaluateExpectations(s, runs).filter((r) => !r.pass)).toEqual([]);
  });

  it("the fixes' expectations fail on the base, and the base's on each fix", () => {
    for (const fix of ['raise-nf-conntrack-max', 'fewer-envoy-workers']) {
      const fixSeesBase = evaluateExpectations(s, relabel(runs, 'base', fix)).filter((r) => r.variant === fix);
      expect(fixSeesBase.length).toBeGreaterThan(0);
      expect(fixSeesBase.every((r) => !r.pass), fix).toBe(true);
      const baseSeesFix = evaluateExpectations(s, relabel(runs, fix, 'base')).filter((r) => r.variant === 'base');
      expect(baseSeesFix.every((r) => !r.pass), fix).toBe(true);
    }
  });

  it('the base drops SYNs only once a host table is at nf_conntrack_max, and a failed connect ends at the connect timeout', () => {
    const base = runs[0]!.summary;
    expect(base.conntrack!.worstNode.peakEntries).toBe(base.conntrack!.nfConntrackMax);
    expect(base.conntrack!.hostDrops).toBeGreaterThan(0);
    // Every connect failure is Envoy's 10 s connect timeout, retried twice by Istio's default
    // policy (envoy.md §4.6): a failed api call takes at least one, and at most three plus backoffs.
    const api = base.services.find((x) => x.name === 'api')!;
    expect(api.flags.UF).toBeGreaterThan(0);
    expect(api.latency.maxMs!).toBeGreaterThanOrEqual(10_000);
    expect(api.latency.maxMs!).toBeLessThan(30_200);
  });

  it("its connect latency histogram sits on the kernel's SYN times, and every failed connect is Envoy's connect timeout (conntrack.md §6.3)", () => {
    const c = runs[0]!.summary.conntrack!;
    expect(c.connectLatency.map((bin) => bin.atS)).toEqual([0, 1, 3, 7, 15, 31, 63]);
    expect(c.connectLatency.reduce((n, bin) => n + bin.connects, 0)).toBe(c.connectionsOpened);
    // A retransmitted SYN gets through only where an eviction freed a slot: a few, all before 10 s.
    expect(c.connectsRetransmitted).toBeGreaterThan(0);
    expect(c.connectLatency.filter((bin) => bin.atS >= 10).every((bin) => bin.connects === 0)).toBe(true);
    expect(c.connectsAbandoned).toBe(c.services.reduce((n, s) => n + s.connectFailures, 0));
    expect(c.connectsTimedOut).toBe(0);
    for (const fix of runs.slice(1, 3)) {
      expect(fix.summary.conntrack!.connectsRetransmitted, fix.summary.variant).toBe(0);
      expect(fix.summary.conntrack!.connectLatency[0]!.connects, fix.summary.variant).toBe(fix.summary.conntrack!.connectionsOpened);
    }
  });
});
