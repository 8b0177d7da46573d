/// <reference lib="dom" />
// (page.evaluate callbacks run in the page, so this file speaks of DOM globals.)
/**
 * The playground in real headless Chromium (Debian's, through playwright-core): the static
 * build served from a sub-path, then what a person does with it. Every step writes a
 * screenshot to out/web-screenshots/ (look at them: they are what a person sees).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPct } from '../../sim/cli/format.ts';
import { encodeShare } from '../../web/src/share-codec.ts';
import { busiestNodeFromCsv, SMALL_CONNTRACK_YAML } from '../helpers/small-conntrack.ts';
import { launchChromium } from './helpers/chromium.ts';
import { serveStatic } from './helpers/static-server.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const SHOTS = join(ROOT, 'out/web-screenshots');
const QUICKSTART = readFileSync(join(ROOT, 'scenarios/quickstart.yaml'), 'utf8');

interface CliRun {
  variant: string;
  seed: number;
  digest: string;
  services: { name: string; successRate: number | null }[];
  workloads: { name: string; successRate: number | null }[];
}

/** `meshsim ARGS` from a directory (the CLI exactly as a user runs it); stdout, stderr and wall time. */
function meshsim(args: string[], cwd = ROOT): { stdout: string; stderr: string; wallMs: number; status: number } {
  const started = process.hrtime.bigint();
  try {
    const stdout = execFileSync(process.execPath, [join(ROOT, 'bin/meshsim.js'), ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { stdout, stderr: '', wallMs: Number(process.hrtime.bigint() - started) / 1e6, status: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; status: number };
    return { stdout: err.stdout, stderr: err.stderr, wallMs: Number(process.hrtime.bigint() - started) / 1e6, status: err.status };
  }
}

let page: Page;
let baseUrl: string;
let closeAll: () => Promise<void>;
let step = 0;

async function shot(name: string): Promise<void> {
  step++;
  // Sticky header and editor would otherwise appear mid-page in a full-page shot of a scrolled page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
}

async function waitForStatus(p: Page, state: string, timeout = 90_000): Promise<void> {
  await p.waitForSelector(`[data-testid=status][data-state=${state}]`, { timeout });
}

beforeAll(async () => {
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  const outDir = mkdtempSync(join(tmpdir(), 'meshsim-web-'));
  await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server = await serveStatic(outDir, '/some/static/host/');
  const browser = await launchChromium();
  page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  baseUrl = server.url;
  closeAll = async () => {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
    expect(errors).toEqual([]);
  };
}, 120_000);

afterAll(async () => closeAll?.());

describe('the playground in Chromium', () => {
  it('loads the quickstart into the editor, valid, and renders at once', async () => {
    await page.goto(baseUrl);
    await page.waitForSelector('.cm-content');
    await page.waitForSelector('[data-testid=problems].ok');
    expect(await page.textContent('[data-testid=problems]')).toBe('✓ scenarios/quickstart.yaml: ok (5 services, 19 pods, 1 workload, 3 timeline events, 1 variant)');
    // Every shipped scenario, the quickstart first.
    const shipped = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml') && f !== 'quickstart.yaml').sort();
    expect(await page.$$eval('[data-testid=scenario-picker] option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(
      ['quickstart.yaml', ...shipped].map((f) => `scenarios/${f}`),
    );
    const firstRenderMs = Number(await page.getAttribute('body', 'data-first-render-ms'));
    console.log(`playground first render: ${firstRenderMs} ms after navigation start`);
    expect(firstRenderMs).toBeGreaterThan(0);
    await shot('loaded');
  });

  it('a 4000-pod run streams intervals into the charts, keeps the tab responsive, and stops', async () => {
    await page.selectOption('[data-testid=scenario-picker]', 'scenarios/scale-4000-pods.yaml');
    await page.waitForSelector('[data-testid=problems].ok');
    await page.click('[data-testid=run]');
    await waitForStatus(page, 'running');
    const points = () => page.$eval('[data-testid=chart-success] .series-line', (p) => Number(p.getAttribute('data-points'))).catch(() => 0);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=chart-success] .series-line')?.getAttribute('data-points') ?? 0) >= 2, undefined, { timeout: 60_000 });
    const early = await points();
    // Main-thread responsiveness while the worker simulates: animation frames keep coming.
    const frames = await page.evaluate(
      () =>
        new Promise<{ frames: number; maxGapMs: number }>((resolve) => {
          let last = performance.now();
          let maxGapMs = 0;
          let frames = 0;
          const end = last + 2000;
          const tick = (t: number) => {
            maxGapMs = Math.max(maxGapMs, t - last);
            last = t;
            frames++;
            if (t < end) requestAnimationFrame(tick);
            else resolve({ frames, maxGapMs });
          };
          requestAnimationFrame(tick);
        }),
    );
    console.log(`4000-pod run: ${frames.frames} animation frames in 2 s, longest gap ${frames.maxGapMs.toFixed(0)} ms`);
    expect(frames.maxGapMs).toBeLessThan(1000);
    const later = await points();
    expect(later).toBeGreaterThan(early);
    expect(await page.getAttribute('[data-testid=status]', 'data-state')).toBe('running');
    await shot('scale-4000-pods-running');
    await page.click('[data-testid=stop]');
    await waitForStatus(page, 'stopped', 10_000);
    expect(await page.isDisabled('[data-testid=run]')).toBe(false);
  });

  it("runs the quickstart and shows the CLI's success rates and result digests for the same seed", async () => {
    const cli = meshsim(['run', 'scenarios/quickstart.yaml', '--json']);
    const doc = JSON.parse(cli.stdout) as { runs: CliRun[] };
    await page.selectOption('[data-testid=scenario-picker]', 'scenarios/quickstart.yaml');
    await page.waitForSelector('[data-testid=problems].ok');
    await page.click('[data-testid=run]');
    await waitForStatus(page, 'done');
    const browserWallMs = Number(await page.getAttribute('body', 'data-run-wall-ms'));
    // The CLI's own figure for the same two runs (its table's last line), and its whole process.
    const table = meshsim(['run', 'scenarios/quickstart.yaml']);
    const cliRunS = Number(/([\d.]+)s wall/.exec(table.stdout)?.[1]);
    console.log(
      `quickstart (base + 1 variant): ${browserWallMs} ms in the browser worker; CLI ${(cliRunS * 1000).toFixed(0)} ms of runs ` +
        `(${table.wallMs.toFixed(0)} ms with process start-up); ratio ${(browserWallMs / (cliRunS * 1000)).toFixed(2)}`,
    );
    for (const run of doc.runs) {
      expect(await page.textContent(`[data-testid=digest-${run.variant}]`)).toBe(run.digest);
      for (const kind of ['services', 'workloads'] as const) {
        for (const s of run[kind]) {
          const shown = await page.textContent(`[data-testid=summary-${kind}] tr[data-series="${s.name}"][data-variant="${run.variant}"] td[data-col=success] .value`);
          expect(shown, `${s.name} ${run.variant}`).toBe(formatPct(s.successRate));
        }
      }
    }
    // Hover the middle of the success chart: 30-31 s, while the base is down and the variant is not.
    const box = (await page.locator('[data-testid=chart-success] .hover-target').boundingBox())!;
    await page.hover('[data-testid=chart-success] .hover-target', { position: { x: box.width * (30.5 / 60), y: 60 } });
    const rows = await page.$$eval('[data-testid=tooltip] .tooltip-row', (rs) => rs.map((r) => Array.from(r.children, (c) => c.textContent).join('|')));
    expect(await page.textContent('[data-testid=tooltip] .tooltip-title')).toBe('frontend · success rate · 30s–31s');
    expect(rows).toEqual(['|base|0.00%', '|more-catalog-pods|100.00% (+100.00pp)']);
    await shot('quickstart-done-hover');
    await page.fill('[data-testid=scrubber]', '25');
    await page.dispatchEvent('[data-testid=scrubber]', 'input');
    // Views redraw on the next animation frame.
    await page.waitForFunction(() => document.querySelector('[data-testid=scrub-label]')?.textContent?.startsWith('T = 25.5s'));
    expect(await page.textContent('[data-testid=scrub-label]')).toBe('T = 25.5s · interval 25s–26s');
    expect(await page.$$eval('[data-testid=graph] .edge', (es) => es.length)).toBe(5);
    await shot('quickstart-scrubbed-25s');
    // No connection tracking in the quickstart: no conntrack charts, no conntrack.csv.
    expect(await page.isHidden('[data-testid=conntrack]')).toBe(true);
    expect(await page.isHidden('[data-testid=download-conntrack]')).toBe(true);
  });

  it('downloads summary.json and timeseries.csv byte for byte as the CLI writes them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-cli-out-'));
    try {
      meshsim(['run', 'scenarios/quickstart.yaml', '--out', dir]);
      for (const [button, file] of [
        ['download-summary', 'summary.json'],
        ['download-csv', 'timeseries.csv'],
      ] as const) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${button}]`)]);
        expect(download.suggestedFilename()).toBe(file);
        const got = readFileSync((await download.path())!, 'utf8');
        expect(got === readFileSync(join(dir, file), 'utf8'), file).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a scenario's expectations are judged as meshsim check judges them", async () => {
    const cli = JSON.parse(meshsim(['run', 'scenarios/rolling-deploy-503s.yaml', '--json']).stdout) as {
      runs: CliRun[];
      expectations: { metric: string; variant: string; pass: boolean }[];
    };
    await page.selectOption('[data-testid=scenario-picker]', 'scenarios/rolling-deploy-503s.yaml');
    await page.waitForSelector('[data-testid=problems].ok');
    await page.click('[data-testid=run]');
    await waitForStatus(page, 'done');
    await page.waitForSelector('[data-testid=expectations]');
    const shown = await page.$$eval('[data-testid=expectations] tr', (rs) => rs.map((r) => [r.getAttribute('data-metric'), r.getAttribute('data-variant'), r.className]));
    expect(shown).toEqual(cli.expectations.map((e) => [e.metric, e.variant, e.pass ? 'pass' : 'fail']));
    for (const run of cli.runs) expect(await page.textContent(`[data-testid=digest-${run.variant}]`)).toBe(run.digest);
    await shot('rolling-deploy-expectations');
    await page.selectOption('[data-testid=scenario-picker]', 'scenarios/quickstart.yaml');
    await page.waitForSelector('[data-testid=problems].ok');
  });

  it('a broken scenario shows the problems meshsim validate prints, each marked at its line', async () => {
    await page.click('.cm-line:has-text("replicas: 6")');
    await page.keyboard.press('End');
    await page.keyboard.type('x');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('bogus: 1');
    await page.waitForSelector('[data-testid=problems].bad');
    const shown = await page.$$eval('[data-testid=problems] .problem', (ps) => ps.map((p) => p.textContent));
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-broken-'));
    try {
      mkdirSync(join(dir, 'scenarios'));
      writeFileSync(join(dir, 'scenarios/quickstart.yaml'), QUICKSTART.replace('replicas: 6\n', 'replicas: 6x\n') + 'bogus: 1');
      const cli = meshsim(['validate', 'scenarios/quickstart.yaml'], dir);
      expect(cli.status).toBe(2);
      const expected = cli.stderr.split('\n').filter((l) => l.startsWith('scenarios/quickstart.yaml:'));
      expect(expected.length).toBe(2);
      expect(shown).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await page.$$eval('.cm-line:has-text("replicas: 6x") .cm-lintRange-error', (es) => es.length)).toBe(1);
    expect(await page.$$eval('.cm-gutter-lint .cm-lint-marker-error', (es) => es.length)).toBeGreaterThanOrEqual(1);
    expect(await page.isDisabled('[data-testid=run]')).toBe(true);
    await shot('broken-yaml');
  });

  it('a share link reproduces the run: same scenario, seed and variants, same digest', async () => {
    await page.selectOption('[data-testid=scenario-picker]', 'scenarios/mmc.yaml');
    await page.selectOption('[data-testid=scenario-picker]', 'scenarios/quickstart.yaml');
    await page.waitForSelector('[data-testid=problems].ok');
    await page.fill('[data-testid=seed]', '43');
    await page.uncheck('[data-testid=variants] input[data-variant=more-catalog-pods]');
    await page.click('.cm-content');
    const lines = await page.$$eval('.cm-line', (ls) => ls.length);
    await page.keyboard.press('Control+Enter'); // runs from the editor, without editing it
    await waitForStatus(page, 'done');
    expect(await page.$$eval('.cm-line', (ls) => ls.length)).toBe(lines);
    const digest = await page.textContent('[data-testid=digest-base]');
    expect(await page.$$('[data-testid=digest-more-catalog-pods]')).toHaveLength(0);
    await page.click('[data-testid=share]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=share-url]') as HTMLInputElement).value !== '');
    const url = await page.inputValue('[data-testid=share-url]');
    expect(url).toMatch(/#run=v1\./);
    const other = await page.context().newPage();
    await other.goto(url);
    await waitForStatus(other, 'done');
    expect(await other.textContent('[data-testid=digest-base]')).toBe(digest);
    expect(await other.inputValue('[data-testid=seed]')).toBe('43');
    expect(await other.isChecked('[data-testid=variants] input[data-variant=more-catalog-pods]')).toBe(false);
    const cli = JSON.parse(meshsim(['run', 'scenarios/quickstart.yaml', '--seed', '43', '--no-variants', '--json']).stdout) as { runs: CliRun[] };
    expect(digest).toBe(cli.runs[0]!.digest);
    const keep = page;
    page = other;
    await shot('opened-share-link');
    page = keep;
    await other.close();
  });

  it("a finished conntrack run charts exactly the CLI's conntrack.csv: busiest node's peak, SYN drops, entries by state", async () => {
    const yaml = SMALL_CONNTRACK_YAML;
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-conntrack-'));
    let csv: string;
    try {
      writeFileSync(join(dir, 'small-conntrack.yaml'), yaml);
      expect(meshsim(['run', 'small-conntrack.yaml', '--out', 'out'], dir).status).toBe(0);
      csv = readFileSync(join(dir, 'out/conntrack.csv'), 'utf8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const expected = busiestNodeFromCsv(csv);
    expect(expected.base!.drops.some((d) => d > 0)).toBe(true);
    const fragment = await encodeShare({ file: 'small-conntrack.yaml', yaml, seed: 4, variants: ['bigger-tables'] });
    // A fresh page: changing only the fragment of an open one does not load it again.
    const other = await page.context().newPage();
    await other.goto(`${baseUrl}#${fragment}`);
    await waitForStatus(other, 'done');
    const hoverRows = async (chart: string, k: number) => {
      const box = (await other.locator(`[data-testid=${chart}] .hover-target`).boundingBox())!;
      await other.hover(`[data-testid=${chart}] .hover-target`, { position: { x: box.width * ((k + 0.5) / 10), y: 60 } });
      const rows = await other.$$eval('[data-testid=tooltip] .tooltip-row', (rs) => rs.map((r) => Array.from(r.children, (c) => c.textContent ?? '')));
      return new Map(rows.map(([, label, value]) => [label!, Number(value!.split(' ')[0]!.replace(/,|\/s/g, ''))]));
    };
    for (let k = 0; k < 10; k++) {
      const entries = await hoverRows('chart-conntrack-entries', k);
      const drops = await hoverRows('chart-conntrack-drops', k);
      for (const variant of ['base', 'bigger-tables']) {
        const e = expected[variant]!;
        expect(entries.get(variant), `${variant} peak in ${k}s-${k + 1}s`).toBe(e.busiestPeak[k]);
        expect(drops.get(variant), `${variant} drops in ${k}s-${k + 1}s`).toBe(e.drops[k]);
      }
      expect(entries.get('base nf_conntrack_max')).toBe(150);
      expect(entries.get('bigger-tables nf_conntrack_max')).toBe(100_000);
      for (const variant of ['base', 'bigger-tables']) {
        const states = await hoverRows(`chart-conntrack-states-${variant}`, k);
        const held = Object.entries(expected[variant]!.byState).filter(([, counts]) => counts.some((n) => n > 0));
        expect(held.length, `${variant}: states held`).toBeGreaterThan(0);
        expect([...states.keys()].sort(), `${variant} states in ${k}s-${k + 1}s`).toEqual(held.map(([state]) => state).sort());
        for (const [state, counts] of held) expect(states.get(state), `${variant} ${state} at ${k + 1}s`).toBe(counts[k]);
      }
    }
    // The scale stops near the lowest limit: the variant's is named in the title, not drawn.
    expect(await other.textContent('[data-testid=chart-conntrack-entries] .chart-title')).toBe(
      'busiest node · conntrack entries, peak (dashed: nf_conntrack_max; above the scale: bigger-tables 100,000)',
    );
    expect(await other.$$eval('[data-testid=chart-conntrack-entries] .series-line', (ls) => ls.map((l) => l.getAttribute('data-variant')))).toEqual(['base', 'bigger-tables', 'base nf_conntrack_max']);
    // The base runs wide and pale under its variant, so a close variant cannot hide it.
    expect(await other.$$eval('[data-testid=chart-conntrack-entries] .series-line.base-under', (ls) => ls.map((l) => l.getAttribute('data-variant')))).toEqual(['base']);
    // conntrack.csv downloads byte for byte as the CLI wrote it (the same seed and variants).
    const [download] = await Promise.all([other.waitForEvent('download'), other.click('[data-testid=download-conntrack]')]);
    expect(download.suggestedFilename()).toBe('conntrack.csv');
    expect(readFileSync((await download.path())!, 'utf8') === csv).toBe(true);
    const keep = page;
    page = other;
    await shot('small-conntrack-done');
    page = keep;
    await other.close();
  });

  it("the PagerDuty run charts the busiest node's conntrack table against nf_conntrack_max while it runs", async () => {
    await page.selectOption('[data-testid=scenario-picker]', 'scenarios/pagerduty-conntrack-4000-pods.yaml');
    await page.waitForSelector('[data-testid=problems].ok');
    await page.click('[data-testid=run]');
    await waitForStatus(page, 'running');
    const entries = '[data-testid=chart-conntrack-entries] .series-line[data-variant=base]';
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-points') ?? 0) >= 4, entries, { timeout: 90_000 });
    expect(await page.isHidden('[data-testid=conntrack]')).toBe(false);
    // The pool chart follows the series picked above.
    await page.selectOption('[data-testid=series-picker]', 'api');
    await page.waitForFunction(() => document.querySelector('[data-testid=chart-conntrack-pools] .chart-title')?.textContent === 'api · pooled connections open towards it');
    expect(await page.$$eval('[data-testid=chart-conntrack-pools] .series-line[data-variant=base]', (ls) => ls.length)).toBe(1);
    const box = (await page.locator('[data-testid=chart-conntrack-entries] .hover-target').boundingBox())!;
    await page.hover('[data-testid=chart-conntrack-entries] .hover-target', { position: { x: box.width * (1.5 / 120), y: 60 } });
    const rows = await page.$$eval('[data-testid=tooltip] .tooltip-row', (rs) => rs.map((r) => Array.from(r.children, (c) => c.textContent).join('|')));
    // kube-proxy on a 4-vCPU node: max(32768 x 4, 131072) (conntrack.md §1.2).
    expect(rows).toContain('|base nf_conntrack_max|131,072');
    const peak = Number(rows.find((r) => r.startsWith('|base|'))!.split('|')[2]!.replace(/,/g, ''));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(131_072);
    await shot('pagerduty-conntrack-running');
    await page.click('[data-testid=stop]');
    await waitForStatus(page, 'stopped', 10_000);
  });
});
