/**
 * The HTML reports, opened from disk in headless Chromium with no network: they draw every chart
 * with no page error, and the numbers in their tables are exactly those of summary.json and
 * sweep.json.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpDom, screenshot } from '../helpers/chromium.ts';
import { meshsim } from '../helpers/meshsim-cli.ts';
import { SMALL_CONNTRACK_YAML } from '../helpers/small-conntrack.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshsim-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario = join(dir, 'shop.yaml');
writeFileSync(
  scenario,
  `name: shop
description: A frontend and a backend that falls behind when the load doubles at 1s.
seed: 9
duration: 3s
metrics: { interval: 250ms }
services:
  frontend: { replicas: 2, calls: [{ service: backend }] }
  backend: { replicas: 2, timeout: 60ms, app: { serviceTime: { exponential: { mean: 8ms } }, concurrency: 2 } }
workload: [{ name: users, to: frontend, rate: 300/s }]
timeline:
  - { at: 1s, rate: { workload: users, rate: 600/s } }
  - { at: 2s, kill: { service: backend, count: 1 } }
variants:
  bigger: { set: { services.backend.replicas: 4 } }
sweep:
  seeds: 2
  grid: { services.backend.app.concurrency: [1, 2, 4] }
`,
);

interface Cell {
  series: string;
  variant: string;
  metric: string;
  point?: string;
  value: number;
}

/** Every table cell that carries a value: data-series, data-variant, data-metric, data-value. */
function cells(html: string): Cell[] {
  return [...html.matchAll(/<td class="num"([^>]*)>/g)].map((m) => {
    const get = (name: string) => new RegExp(` data-${name}="([^"]*)"`).exec(m[1]!)?.[1];
    return { series: get('series')!, variant: get('variant')!, metric: get('metric')!, point: get('point'), value: Number(get('value')) };
  });
}

const SUMMARY_FIELD: Record<string, (s: { ratePerS: number; successRate: number | null; latency: Record<string, number | null> }) => number | null> = {
  ratePerS: (s) => s.ratePerS,
  successRate: (s) => s.successRate,
  p50Ms: (s) => s.latency.p50Ms!,
  p90Ms: (s) => s.latency.p90Ms!,
  p99Ms: (s) => s.latency.p99Ms!,
  p999Ms: (s) => s.latency.p999Ms!,
};

describe('meshsim run --report', () => {
  const out = join(dir, 'run');
  const report = join(out, 'report.html');
  let html: string;
  beforeAll(async () => {
    const r = await meshsim('run', scenario, '--out', out, '--report', report);
    expect(r.code, r.stderr).toBe(0);
    html = readFileSync(report, 'utf8');
  });

  it('is one self-contained file: no src or href, nothing to fetch, a policy that forbids fetching', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/\s(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('its table holds exactly the numbers of summary.json, for every series, variant and metric', () => {
    const doc = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const found = cells(html);
    expect(found).toHaveLength(2 * 3 * 6); // (2 services + 1 workload) x 2 variants x 6 metrics
    for (const c of found) {
      const run = doc.runs.find((r: { variant: string }) => r.variant === c.variant);
      const s = [...run.services, ...run.workloads].find((x: { name: string }) => x.name === c.series);
      expect(c.value, `${c.series} ${c.variant} ${c.metric}`).toBe(SUMMARY_FIELD[c.metric]!(s));
    }
  });

  it('opens from disk in headless Chromium and draws every chart with no page error', async () => {
    const dom = await dumpDom(report);
    expect(dom).toContain('<body data-rendered="ok">');
    expect(dom).toContain('<pre id="report-errors" hidden="">');
    // 3 series x (success, rate, latency, codes and flags, histogram), and pods by phase for the 2 services
    expect(dom.match(/<svg /g)).toHaveLength(17);
    expect(dom.match(/<g class="mark">/g)).toHaveLength(2 * 14); // 2 timeline actions on each of the 14 time charts
    // The base runs wide and pale under its variant in each series' success, rate and p99 chart.
    expect(dom.match(/stroke-width="5" stroke-opacity="0.45"/g)).toHaveLength(3 * 3);
    const hovered = await dumpDom(report, '#hover-selftest');
    expect(hovered).toContain('<body data-rendered="ok">');
    // Every time chart's readout shows the interval and each line's value; the histograms have none.
    const tips = [...hovered.matchAll(/<g class="tip" transform="[^"]+" style="">(.*?)<\/g>/g)].map((m) => [...m[1]!.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((t) => t[1]));
    expect(tips).toHaveLength(14);
    expect(tips[0]).toEqual(['1.5s', expect.stringMatching(/^base: \d+(\.\d+)?%$/), expect.stringMatching(/^bigger: \d+(\.\d+)?%$/)]);
    const png = join(dir, 'run.png');
    await screenshot(report, png);
    expect(readFileSync(png).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(statSync(png).size).toBeGreaterThan(50_000);
  });
});

describe('meshsim run --report, with connection tracking', () => {
  it("draws the busiest node's conntrack table against nf_conntrack_max, the SYNs dropped and the entries by state", async () => {
    const file = join(dir, 'ct.yaml');
    writeFileSync(file, SMALL_CONNTRACK_YAML);
    const report = join(dir, 'ct.html');
    const r = await meshsim('run', file, '--report', report);
    expect(r.code, r.stderr).toBe(0);
    const dom = await dumpDom(report);
    expect(dom).toContain('<body data-rendered="ok">');
    // 3 series x 5 charts, pods for the 2 services, then the 3 conntrack charts.
    expect(dom.match(/<svg /g)).toHaveLength(20);
    const captions = [...dom.matchAll(/<figcaption>([^<]*)<\/figcaption>/g)].map((m) => m[1]).slice(-3);
    expect(captions).toEqual([
      'Busiest node: conntrack entries, peak (dashed: nf_conntrack_max; above the scale: bigger-tables 100,000)',
      'SYNs dropped by full tables, per second (all nodes)',
      "Conntrack entries by state, all nodes (host netns, at each interval's end)",
    ]);
    const png = join(dir, 'ct.png');
    await screenshot(report, png);
  });
});

describe('meshsim run --seeds N --report', () => {
  it('shows the merged means and their 95% intervals of summary.json', async () => {
    const out = join(dir, 'seeds');
    const r = await meshsim('run', scenario, '--seeds', '3', '--workers', '2', '--out', out, '--report', join(out, 'report.html'));
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const found = cells(html);
    expect(found).toHaveLength(36);
    for (const c of found) {
      const m = doc.merged.find((x: { variant: string }) => x.variant === c.variant);
      const s = [...m.services, ...m.workloads].find((x: { name: string }) => x.name === c.series);
      expect(c.value).toBe(s[c.metric].mean);
    }
    expect(html).toMatch(/data-metric="successRate" data-value="[\d.e-]+" data-ci="[\d.e-]+,[\d.e-]+"/);
  });
});

describe('meshsim sweep --report', () => {
  const out = join(dir, 'sweep');
  const report = join(out, 'report.html');
  beforeAll(async () => {
    const r = await meshsim('sweep', scenario, '--workers', '2', '--out', out, '--report', report);
    expect(r.code, r.stderr).toBe(0);
  });

  it('its table holds exactly the means of sweep.json', () => {
    const doc = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    const found = cells(readFileSync(report, 'utf8'));
    expect(found).toHaveLength(3 * 2 * 3 * 5); // points x variants x series x shown metrics
    for (const c of found) {
      const row = doc.table.find((t: Cell & { point: number; mean: number }) => String(t.point) === c.point && t.variant === c.variant && t.series === c.series && t.metric === c.metric);
      expect(c.value).toBe(row.mean);
    }
  });

  it('draws, in headless Chromium, each metric against the swept parameter for every series', async () => {
    const dom = await dumpDom(report);
    expect(dom).toContain('<body data-rendered="ok">');
    expect(dom.match(/<svg /g)).toHaveLength(3 * 4);
    expect(dom).toContain('services.backend.app.concurrency');
    await screenshot(report, join(dir, 'sweep.png'));
    expect(statSync(join(dir, 'sweep.png')).size).toBeGreaterThan(30_000);
  });
});
