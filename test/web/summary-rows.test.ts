import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../sim/cli/render-summary.ts';
import { runScenario } from '../../sim/run/index.ts';
import { formatMs } from '../../sim/cli/format.ts';
import { cellText, runFacts, summaryRows, unformattedFields } from '../../web/src/summary-rows.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

const s = scenarioFrom(`
duration: 4s
services:
  web: { replicas: 2, timeout: 50ms, app: { serviceTime: { lognormal: { median: 5ms, p99: 80ms } }, concurrency: 4 }, calls: [{ service: db }, { service: cache, required: false, probability: 0.5 }] }
  db: { replicas: 1, app: { serviceTime: { exponential: { mean: 4ms } }, concurrency: 2 } }
  cache: { replicas: 1 }
workload: [{ name: users, to: web, rate: 600/s }]
timeline: [{ at: 2s, kill: { service: db, count: 1 } }]
variants:
  more-db: { set: { services.db.replicas: 3 } }
`, 'rows.yaml');

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('summary table rows', () => {
  const runs = [runScenario(s, { seed: 2 }), runScenario(s, { seed: 2, variant: 'more-db' })];
  const cli = renderSummary({ scenario: s, runs, wallMs: 0, workers: 0 })
    .split('\n')
    .map(collapse);

  it.each(['services', 'workloads'] as const)('%s: every row reads exactly as the CLI table prints it, deltas included', (kind) => {
    const rows = summaryRows(
      runs.map((r) => r.summary),
      kind,
    );
    expect(rows.length).toBe(runs[0]!.summary[kind].length * 2);
    for (const row of rows) {
      const text = collapse([row.first ? row.series : '', row.variant, ...row.cells.map(cellText)].join(' '));
      expect(cli, text).toContain(text);
    }
  });

  it('a variant row carries deltas against the base, the base row none', () => {
    const [base, variant] = summaryRows(runs.map((r) => r.summary), 'services');
    expect(base!.cells.every((c) => c.delta === undefined)).toBe(true);
    expect(variant!.cells.find((c) => c.delta !== undefined)).toBeDefined();
  });

  it("every field of today's summary has its own format; the control plane's figures among them", () => {
    const summary = runs[0]!.summary;
    expect(unformattedFields(summary)).toEqual([]);
    const facts = Object.fromEntries(runFacts(summary).map((f) => [f.label, f.value]));
    expect(facts['istiod pushes']).toBe(String(summary.controlPlane.pushes));
    expect(summary.controlPlane.pushes).toBeGreaterThan(0); // the kill at 2s changes endpoints
    const c = summary.controlPlane.convergence;
    expect(facts['proxy convergence']).toBe(`p50 ${formatMs(c.p50Ms)} · p99 ${formatMs(c.p99Ms)} · max ${formatMs(c.maxMs)} (${c.count})`);
  });

  it('run facts list the digests and any field a later result adds', () => {
    const facts = runFacts({ ...runs[0]!.summary, expectations: [{ metric: 'web.successRate', ok: true }] } as never);
    expect(facts.find((f) => f.label === 'result digest')!.value).toBe(runs[0]!.summary.digest);
    expect(facts.find((f) => f.label === 'expectations')!.value).toBe('[{"metric":"web.successRate","ok":true}]');
  });
});
