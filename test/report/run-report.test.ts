import { describe, expect, it } from 'vitest';
import { renderRunReport, renderSweepReport, runChartData, MAX_CHART_POINTS } from '../../sim/report/index.ts';
import { expandSweepRuns, runRecord, runScenario, scenarioOfRun, sweepHeader, sweepResult } from '../../sim/run/index.ts';
import { parseSweep } from '../../sim/scenario/index.ts';
import { conntrackCsv } from '../../sim/run/documents.ts';
import { scenarioFrom } from '../helpers/scenario.ts';
import { busiestNodeFromCsv, SMALL_CONNTRACK_YAML } from '../helpers/small-conntrack.ts';

const YAML = `name: rep
description: "a </script><script>alert(1)</script> & more"
seed: 4
duration: 2s
metrics: { interval: 100ms }
services:
  web: { replicas: 2, calls: [{ service: db }] }
  db: { replicas: 1, timeout: 30ms, app: { serviceTime: { exponential: { mean: 10ms } }, concurrency: 1 } }
workload: [{ name: users, to: web, rate: 150/s }]
timeline: [{ at: 1s, scale: { service: db, replicas: 3 } }]
variants:
  more: { set: { services.db.replicas: 2 } }
`;
const scenario = scenarioFrom(YAML);
const runs = ['base', 'more'].map((variant) => runScenario(scenario, { variant }));
// Stand-ins for d3 and the chart scripts: what matters here is how they are inlined.
const assets = { d3: 'var d3 = {}; // "</script>" must not end the element', scripts: ['window.a = 1;', 'window.b = "</SCRIPT>";'] };
const input = { scenario: { name: scenario.name, file: 'rep.yaml', description: scenario.description }, runs, version: '0.1.0' };

describe('the run report', () => {
  const html = renderRunReport(input, assets);

  it('is the same bytes for the same results (nothing from the wall clock or the machine)', () => {
    expect(renderRunReport(input, assets)).toBe(html);
  });

  it('inlines its data and scripts so that nothing in them can end their element', () => {
    expect(html.match(/<script/gi)).toHaveLength(4); // data, d3, two chart scripts
    expect(html.match(/<\/script>/gi)).toHaveLength(4);
    expect(html).toContain('a &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(html).toContain('var d3 = {}; // "<\\/script>" must not end the element');
    const data = JSON.parse(/<script type="application\/json" id="meshsim-data">(.*?)<\/script>/s.exec(html)![1]!);
    expect(data.kind).toBe('run');
    expect(data.variants).toEqual(['base', 'more']);
  });

  it('charts per interval the success rate, rate, p50/p99 and non-2xx codes and flags of the time series', () => {
    const data = runChartData(runs);
    const ts = runs[0]!.timeSeries;
    const s = ts.series.findIndex((x) => x.name === 'db');
    const db = data.series[s]!.variants.base!;
    expect(data.t).toHaveLength(20);
    expect(data.stepS).toBe(0.1);
    for (let i = 0; i < ts.intervals; i++) {
      const ended = ts.columns.ended[s * ts.intervals + i]!;
      const success = ts.columns.success[s * ts.intervals + i]!;
      expect(db.ratePerS[i]).toBeCloseTo(ended / 0.1, 6);
      expect(db.success[i]).toBe(ended > 0 ? Number((success / ended).toPrecision(6)) : null);
    }
    expect(Object.keys(db.errors).sort()).toEqual(['code 504', 'flag UT']);
    const timeouts = db.errors['code 504']!.reduce((a: number, v) => a + (v ?? 0) * 0.1, 0);
    expect(Math.round(timeouts)).toBe(runs[0]!.summary.services.find((x) => x.name === 'db')!.codes['504']);
    expect(db.histogram.counts.reduce((a, b) => a + b, 0)).toBe(runs[0]!.summary.services.find((x) => x.name === 'db')!.requests);
  });

  it('marks each timeline action once, with what every variant did', () => {
    expect(runChartData(runs).marks).toEqual([{ atS: 1, label: 'scale', description: 'base: 1s scale db 1 -> 3: created db-1, db-2\nmore: 1s scale db 2 -> 3: created db-2' }]);
  });

  it("charts the model's pod counts by phase for services, and none for workloads", () => {
    const data = runChartData([runs[0]!]);
    const db = data.series.find((x) => x.name === 'db')!.variants.base!.pods;
    expect(Object.keys(db).sort()).toEqual(['podsReady', 'podsStarting']); // nothing terminated: an all-zero column is left out
    // Scaled 1 -> 3 at 1s: the new pods' sidecars take 1s to boot, so they are still starting at 2s.
    expect(new Set(db.podsReady)).toEqual(new Set([1]));
    expect(db.podsStarting!.slice(0, 10).every((v) => v === 0)).toBe(true);
    expect(db.podsStarting!.slice(10).every((v) => v === 2)).toBe(true);
    expect(data.series.find((x) => x.name === 'users')!.variants.base!.pods).toEqual({});
  });

  it("charts, with connection tracking, the busiest node's peak, the SYNs dropped per second and the entries by state of conntrack.csv", () => {
    const tracked = scenarioFrom(SMALL_CONNTRACK_YAML);
    const ctRuns = ['base', 'bigger-tables'].map((variant) => runScenario(tracked, { variant }));
    const data = runChartData(ctRuns);
    // The same figures from the CSV; the intervals are 1 s, so drops per interval are drops per second.
    const want = busiestNodeFromCsv(conntrackCsv(ctRuns)!);
    expect(data.conntrack).toEqual({
      base: { nfConntrackMax: 150, busiestPeak: want.base!.busiestPeak, dropsPerS: want.base!.drops, entriesByState: want.base!.byState },
      'bigger-tables': { nfConntrackMax: 100_000, busiestPeak: want['bigger-tables']!.busiestPeak, dropsPerS: want['bigger-tables']!.drops, entriesByState: want['bigger-tables']!.byState },
    });
    expect(want.base!.byState.TIME_WAIT.some((n) => n > 0)).toBe(true);
    expect(want.base!.busiestPeak).toHaveLength(10);
    expect(want.base!.drops.some((d) => d > 0)).toBe(true);
    expect(runChartData(runs).conntrack).toBeUndefined();
  });

  it("lists, with connection tracking, each variant's connects by the SYN that got through, exactly summary.conntrack's", () => {
    const tracked = scenarioFrom(SMALL_CONNTRACK_YAML);
    const ctRuns = ['base', 'bigger-tables'].map((variant) => runScenario(tracked, { variant }));
    const page = renderRunReport({ ...input, runs: ctRuns }, assets);
    for (const r of ctRuns) {
      const c = r.summary.conntrack!;
      const cell = (metric: string) => new RegExp(`data-variant="${r.summary.variant}" data-metric="${metric}" data-value="([0-9]+)"`).exec(page)?.[1];
      c.connectLatency.forEach((bin) => expect(cell(`connects@${bin.atS}s`), `${r.summary.variant} ${bin.atS} s`).toBe(String(bin.connects)));
      expect(cell('connectsAbandoned')).toBe(String(c.connectsAbandoned));
      expect(cell('connectsTimedOut')).toBe(String(c.connectsTimedOut));
    }
    // The base's small tables make connects wait for retransmits; the bigger ones do not.
    expect(ctRuns[0]!.summary.conntrack!.connectsRetransmitted + ctRuns[0]!.summary.conntrack!.connectsAbandoned).toBeGreaterThan(0);
    expect(ctRuns[1]!.summary.conntrack!.connectsRetransmitted).toBe(0);
    expect(html).not.toContain('<h3>Connects</h3>');
  });

  it("lists, with routes, each routed service's and destination's share per variant, exactly the summary's", () => {
    const routed = scenarioFrom(`
duration: 2s
services:
  pay: { replicas: 2, route: [{ destination: pay, weight: 3 }, { destination: pay-canary, weight: 1 }] }
  pay-canary: { replicas: 2 }
workload: [{ to: pay, rate: 200/s }, { to: pay, rate: 200/s, via: kube-proxy }]
variants:
  all-routed: { set: { workload.1.via: ingress-gateway } }
`);
    const rRuns = ['base', 'all-routed'].map((variant) => runScenario(routed, { variant }));
    const page = renderRunReport({ ...input, runs: rRuns }, assets);
    expect(page).toContain('<h3>Route shares</h3>');
    for (const r of rRuns) {
      for (const name of ['pay', 'pay-canary']) {
        const share = r.summary.services.find((s) => s.name === name)!.share!;
        expect(new RegExp(`data-series="${name}" data-kind="service" data-variant="${r.summary.variant}" data-metric="share" data-value="([0-9.e-]+)"`).exec(page)?.[1]).toBe(String(share));
      }
    }
    expect(html).not.toContain('<h3>Route shares</h3>');
    // Over seeds, the mean, as the summary table's figures.
    const seeded = [1, 2].map((seed) => runScenario(routed, { seed }));
    const mean = seeded.reduce((a, r) => a + r.summary.services.find((s) => s.name === 'pay-canary')!.share!, 0) / 2;
    const twoSeeds = renderRunReport({ ...input, runs: seeded }, assets);
    expect(/data-series="pay-canary" data-kind="service" data-variant="base" data-metric="share" data-value="([0-9.e-]+)"/.exec(twoSeeds)?.[1]).toBe(String(mean));
    expect(twoSeeds).toContain('the mean over 2 seeds');
  });

  it('groups intervals beyond MAX_CHART_POINTS, keeping the counts', () => {
    const long = scenarioFrom(YAML.replace('duration: 2s', 'duration: 4s').replace('interval: 100ms', 'interval: 2ms'));
    const run = runScenario(long);
    const data = runChartData([run]);
    expect(run.timeSeries.intervals).toBe(2000);
    expect(data.group).toBe(Math.ceil(2000 / MAX_CHART_POINTS));
    expect(data.t).toHaveLength(1000);
    const users = data.series.find((x) => x.name === 'users')!.variants.base!;
    const ended = users.ratePerS.reduce((a: number, v) => a + (v ?? 0) * data.stepS, 0);
    expect(Math.round(ended)).toBe(run.summary.workloads[0]!.requests);
  });
});

describe('the sweep report', () => {
  it('is the same bytes for the same sweep, and lists the grid', () => {
    const plan = parseSweep(YAML.replace('variants:', 'sweep: { seeds: 2, grid: { services.db.app.concurrency: [1, 2] } }\nvariants:'), 'rep.yaml');
    const records = expandSweepRuns(plan).map((s) => runRecord(s, runScenario(scenarioOfRun(plan, s), s).summary));
    const result = sweepResult(sweepHeader(plan), records);
    const html = renderSweepReport(result, '0.1.0', assets);
    expect(renderSweepReport(result, '0.1.0', assets)).toBe(html);
    expect(html).toContain('<li><code>services.db.app.concurrency</code>: 1, 2</li>');
    expect(html).toContain(`sweep digest ${result.digest}`);
  });
});
