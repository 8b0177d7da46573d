import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../sim/cli/render-summary.ts';
import { mergeByVariant } from '../../sim/cli/run-command.ts';
import { runScenario } from '../../sim/run/index.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

/**
 * With --seeds N the summary table shows means over the seeds: its errors column and the retries
 * table must be means too (not seed one's counts, nor sums), and the one-run sections after them
 * must say whose run they show.
 */
const s = scenarioFrom(`
duration: 3s
services:
  web: { replicas: 2, timeout: 40ms, app: { serviceTime: { lognormal: { median: 5ms, p99: 80ms } }, concurrency: 4 }, calls: [{ service: db }] }
  db:
    replicas: 1
    app: { serviceTime: { exponential: { mean: 6ms } }, concurrency: 2 }
    retries: { attempts: 2, perTryTimeout: 15ms, retryOn: 5xx }
workload: [{ name: users, to: web, rate: 400/s }]
`, 'seeds.yaml');

const cells = (line: string) => line.trim().split(/\s{2,}/);

describe('the summary over several seeds', () => {
  const runs = [7, 8, 9].map((seed) => runScenario(s, { seed }));
  const text = renderSummary({ scenario: s, runs, merged: mergeByVariant(runs), wallMs: 0, workers: 0 });
  const lines = text.split('\n');
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;

  it("the errors column is each code's mean count per run", () => {
    const per = runs.map((r) => r.summary.workloads[0]!.codes['504'] ?? 0);
    // The seeds differ, so a first-seed count or a sum would not match.
    expect(new Set(per).size).toBeGreaterThan(1);
    const row = lines.find((l) => l.startsWith('users '))!;
    const expected = mean(per);
    const shown = expected >= 100 ? Math.round(expected).toLocaleString('en-US') : String(Math.round(expected * 10) / 10);
    expect(cells(row).at(-1)).toContain(`504=${shown}`);
    expect(text).toContain('errors per run, mean over seeds');
  });

  it('the retries table holds the means over the seeds', () => {
    const attempts = runs.map((r) => r.summary.services.find((x) => x.name === 'db')!.attempts);
    const retries = runs.map((r) => r.summary.services.find((x) => x.name === 'db')!.retries);
    expect(new Set(attempts).size).toBeGreaterThan(1);
    const title = lines.findIndex((l) => l.startsWith('retries ('));
    expect(lines[title]).toContain('means over 3 seeds');
    const row = cells(lines.slice(title).find((l) => l.startsWith('db '))!);
    expect(row.slice(2, 4)).toEqual([Math.round(mean(attempts)).toLocaleString('en-US'), Math.round(mean(retries)).toLocaleString('en-US')]);
  });

  it('the sections after the tables say they are the first seed’s run', () => {
    expect(text).toContain("from here on: seed 7, the first of 3 (summary.json holds every seed's figures)");
  });
});
