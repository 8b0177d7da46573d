/**
 * The playground page: wires the editor, the run controller and the views. State lives here;
 * views are redrawn from it at most once per animation frame, so streamed updates never queue
 * up work on the main thread.
 */
import './style.css';
import { summaryDocument, timeSeriesCsv, type RunResult, type RunSpec, type Scenario, type TimeSeries } from 'meshsim/browser';
import { callGraph, edgeFlows, type CallGraph } from './call-graph-data.ts';
import { extent, intervalAt, line, LINE_METRICS, podStates, seriesIndex, stacked, type LineMetric } from './chart-data.ts';
import { createEditor, validate, type Validation } from './editor.ts';
import { LiveSeries } from './live-series.ts';
import { podsAt } from './pod-states.ts';
import { RunController } from './run-controller.ts';
import { decodeShare, encodeShare, isShareFragment } from './share-codec.ts';
import { SHIPPED_SCENARIOS } from './shipped-scenarios.ts';
import { drawCallGraph } from './views/call-graph-view.ts';
import { fmtS, type Marker } from './views/chart-frame.ts';
import { drawLineChart, type LineSet } from './views/line-chart.ts';
import { drawPods } from './views/pods-view.ts';
import { drawStackedChart } from './views/stacked-chart.ts';
import { drawExpectations } from './views/expectations-view.ts';
import { drawSummaryTable } from './views/summary-table.ts';
import { evaluateExpectations, formatMs, formatPct, formatRate, pointsDelta, relativeDelta } from 'meshsim/browser';
import { escapeHtml } from './html.ts';

interface RunView {
  spec: RunSpec;
  fraction: number;
  live?: LiveSeries;
  result?: RunResult;
}

const STACK_TITLES = { pods: 'pods by state', codes: 'non-2xx by status code', flags: 'by response flag' } as const;

const VARIANT_COLORS = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#0891b2', '#db2777'];

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  scenario: $<HTMLSelectElement>('scenario'),
  seed: $<HTMLInputElement>('seed'),
  variants: $('variants'),
  run: $<HTMLButtonElement>('run'),
  stop: $<HTMLButtonElement>('stop'),
  progress: $('progress-bar'),
  status: $('status'),
  share: $<HTMLButtonElement>('share'),
  shareBox: $('share-box'),
  shareUrl: $<HTMLInputElement>('share-url'),
  dlSummary: $<HTMLButtonElement>('dl-summary'),
  dlCsv: $<HTMLButtonElement>('dl-csv'),
  fileName: $('file-name'),
  problems: $('problems'),
  summary: $('summary'),
  expectations: $('expectations'),
  series: $<HTMLSelectElement>('series'),
  legend: $('legend'),
  chartsEmpty: $('charts-empty'),
  seriesField: $('series-field'),
  charts: $('charts'),
  success: $('chart-success'),
  rate: $('chart-rate'),
  latency: $('chart-latency'),
  stacks: $('chart-stacks'),
  timeline: $('timeline-list'),
  scrubber: $<HTMLInputElement>('scrubber'),
  scrubLabel: $('scrub-label'),
  stateVariants: $('state-variants'),
  pods: $('pods'),
  graph: $('graph'),
};

const state = {
  file: SHIPPED_SCENARIOS[0]?.file ?? 'scenario.yaml',
  validation: undefined as Validation | undefined,
  /** Variant names unticked by the user (new variants start ticked). */
  unticked: new Set<string>(),
  ran: undefined as { scenario: Scenario; graph: CallGraph } | undefined,
  runs: [] as RunView[],
  series: undefined as string | undefined,
  /** Scrubber time; undefined follows the newest closed interval. */
  cursorS: undefined as number | undefined,
  stateVariant: 'base',
  autoRun: false,
};

const controller = new RunController();
const editor = createEditor($('editor'), { file: () => state.file, onValidated: (v) => applyValidation(v) });

// ---- validation, scenario picker, variants ----

function applyValidation(v: Validation): void {
  state.validation = v;
  ui.problems.replaceChildren();
  ui.problems.className = v.ok ? 'problems ok' : 'problems bad';
  if (v.ok) {
    const s = v.scenario;
    const pods = Object.values(s.services).reduce((a, x) => a + x.replicas, 0);
    ui.problems.textContent = `✓ ${state.file}: ok (${Object.keys(s.services).length} services, ${pods} pods, ${s.workload.length} workloads, ${s.timeline.length} timeline events, ${s.variants.length} variants)`;
  } else if ('lines' in v) {
    for (const text of v.lines) {
      const div = document.createElement('div');
      div.className = 'problem';
      div.textContent = text;
      const p = v.problems[v.lines.indexOf(text)];
      if (p && p.line > 0) div.addEventListener('click', () => jumpTo(p.line));
      ui.problems.append(div);
    }
    const n = v.problems.length;
    const foot = document.createElement('div');
    foot.className = 'problem-foot';
    foot.textContent = `${n} problem${n === 1 ? '' : 's'} in ${state.file}; nothing can run until they are fixed.`;
    ui.problems.append(foot);
  } else ui.problems.textContent = `internal error while validating: ${v.crashed}`;
  renderVariantChoices();
  ui.run.disabled = !v.ok;
  if (v.ok && state.autoRun) {
    state.autoRun = false;
    void startRun();
  }
}

function jumpTo(line: number): void {
  const doc = editor.view.state.doc;
  const pos = doc.line(Math.min(doc.lines, line)).from;
  editor.view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
  editor.view.focus();
}

function renderVariantChoices(): void {
  const v = state.validation;
  ui.variants.replaceChildren();
  if (!v?.ok) return;
  v.scenario.variants.forEach((variant, k) => {
    const label = document.createElement('label');
    label.className = 'chip';
    label.title = variant.description ?? '';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = !state.unticked.has(variant.name);
    box.dataset.variant = variant.name;
    box.addEventListener('change', () => (box.checked ? state.unticked.delete(variant.name) : state.unticked.add(variant.name)));
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = VARIANT_COLORS[(k + 1) % VARIANT_COLORS.length]!;
    label.append(box, sw, variant.name);
    ui.variants.append(label);
  });
}

function loadScenarioText(file: string, text: string, seed?: number): void {
  state.file = file;
  ui.fileName.textContent = file;
  editor.setText(text);
  const v = validate(text, file);
  ui.seed.value = String(seed ?? (v.ok ? v.scenario.seed : 1));
  applyValidation(v);
}

for (const s of SHIPPED_SCENARIOS) ui.scenario.add(new Option(s.file.replace(/^scenarios\//, ''), s.file));
ui.scenario.addEventListener('change', () => {
  const s = SHIPPED_SCENARIOS.find((x) => x.file === ui.scenario.value);
  if (s) {
    state.unticked.clear();
    loadScenarioText(s.file, s.text);
  }
});

// ---- running ----

function colorOf(variant: string): string {
  const names = state.ran ? ['base', ...state.ran.scenario.variants.map((v) => v.name)] : ['base'];
  const all = state.validation?.ok ? ['base', ...state.validation.scenario.variants.map((v) => v.name)] : names;
  const k = Math.max(0, all.indexOf(variant));
  return VARIANT_COLORS[k % VARIANT_COLORS.length]!;
}

async function startRun(): Promise<void> {
  const v = state.validation;
  if (!v?.ok) return;
  const seed = Number(ui.seed.value);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    setStatus('failed', 'the seed must be a non-negative integer');
    return;
  }
  const variants = v.scenario.variants.filter((x) => !state.unticked.has(x.name));
  const scenario: Scenario = { ...v.scenario, seed, variants };
  const specs: RunSpec[] = [{ variant: 'base', seed }, ...variants.map((x) => ({ variant: x.name, seed }))];
  state.ran = { scenario, graph: callGraph(scenario) };
  state.runs = specs.map((spec) => ({ spec, fraction: 0 }));
  state.cursorS = undefined;
  state.stateVariant = 'base';
  if (!state.series || !Object.hasOwn(scenario.services, state.series)) state.series = Object.keys(scenario.services)[0];
  configureScrubber(scenario);
  ui.run.disabled = true;
  ui.stop.disabled = false;
  ui.dlSummary.disabled = ui.dlCsv.disabled = true;
  setStatus('running', 'starting…');
  schedule();
  const outcome = await controller.run(scenario, specs, {
    onStart: () => schedule(),
    onUpdate: (spec, u) => {
      const run = state.runs.find((r) => r.spec === spec)!;
      run.fraction = u.fraction;
      if (u.chunk) run.live ? run.live.add(u.chunk) : (run.live = new LiveSeries(u.chunk));
      schedule();
    },
    onDone: (spec, result) => {
      const run = state.runs.find((r) => r.spec === spec)!;
      run.result = result;
      run.fraction = 1;
      schedule();
    },
  });
  ui.stop.disabled = true;
  ui.run.disabled = !state.validation?.ok;
  if (outcome.kind === 'done') {
    document.body.dataset.runWallMs = String(Math.round(outcome.wallMs));
    setStatus('done', `done · ${state.runs.length} run${state.runs.length === 1 ? '' : 's'} · ${(outcome.wallMs / 1000).toFixed(2)}s wall`);
    ui.dlSummary.disabled = ui.dlCsv.disabled = false;
  } else if (outcome.kind === 'stopped') setStatus('stopped', 'stopped');
  else setStatus('failed', outcome.message);
  schedule();
}

function setStatus(kind: string, text: string): void {
  ui.status.dataset.state = kind;
  ui.status.textContent = text;
}

ui.run.addEventListener('click', () => void startRun());
ui.stop.addEventListener('click', () => controller.stop());
ui.seed.addEventListener('keydown', (e) => e.key === 'Enter' && void startRun());
// Ctrl+Enter (Cmd+Enter) runs from anywhere, the editor included: caught while capturing, before
// CodeMirror's own Mod-Enter (insert a blank line) sees it.
document.addEventListener(
  'keydown',
  (e) => {
    if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey)) return;
    e.preventDefault();
    e.stopPropagation();
    if (!ui.run.disabled) void startRun();
  },
  { capture: true },
);

// ---- share and downloads ----

ui.share.addEventListener('click', async () => {
  const v = state.validation;
  const variants = v?.ok ? v.scenario.variants.map((x) => x.name).filter((n) => !state.unticked.has(n)) : [];
  const fragment = await encodeShare({ file: state.file, yaml: editor.text(), seed: Number(ui.seed.value), variants });
  history.replaceState(null, '', `#${fragment}`);
  ui.shareUrl.value = location.href;
  ui.shareBox.hidden = false;
  ui.shareUrl.select();
  navigator.clipboard?.writeText(location.href).catch(() => undefined);
});

function finishedResults(): RunResult[] {
  return state.runs.map((r) => r.result).filter((r): r is RunResult => r !== undefined);
}

function download(name: string, text: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

ui.dlSummary.addEventListener('click', () => {
  if (state.ran) download('summary.json', JSON.stringify(summaryDocument(state.ran.scenario, finishedResults(), undefined), null, 2) + '\n', 'application/json');
});
ui.dlCsv.addEventListener('click', () => download('timeseries.csv', timeSeriesCsv(finishedResults()), 'text/csv'));

// ---- rendering ----

let pending = false;
function schedule(): void {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    render();
  });
}

function tsOf(run: RunView): { ts: TimeSeries; closed: number } | undefined {
  if (run.result) return { ts: run.result.timeSeries, closed: run.result.timeSeries.intervals };
  return run.live ? { ts: run.live.ts, closed: run.live.closed } : undefined;
}

let summaryKey = '';
function render(): void {
  renderProgress();
  const summaries = finishedResults().map((r) => r.summary);
  const key = `${summaries.map((s) => s.digest).join()}|${state.series}`;
  if (key !== summaryKey) {
    summaryKey = key;
    drawSummaryTable(ui.summary, summaries, state.series ?? '', selectSeries, colorOf);
    // Expectations are judged once every run is in (a variant's may name another variant).
    const all = state.ran && summaries.length === state.runs.length && state.ran.scenario.expect.length > 0;
    drawExpectations(ui.expectations, all ? evaluateExpectations(state.ran!.scenario, finishedResults()) : []);
  }
  renderSeriesPicker();
  renderCharts();
  renderStateAtT();
}

function renderProgress(): void {
  const total = state.runs.length || 1;
  const done = state.runs.reduce((a, r) => a + r.fraction, 0);
  ui.progress.style.width = `${(100 * done) / total}%`;
  if (ui.status.dataset.state === 'running') {
    const current = state.runs.find((r) => !r.result);
    if (current) setStatus('running', `running ${current.spec.variant} · ${(current.fraction * 100).toFixed(0)}%`);
  }
}

function selectSeries(name: string): void {
  state.series = name;
  schedule();
}

let pickerKey = '';
function renderSeriesPicker(): void {
  const s = state.ran?.scenario;
  const names = s ? [...Object.keys(s.services), ...s.workload.map((w) => w.name)] : [];
  const key = names.join() + '|' + state.series;
  if (key === pickerKey) return;
  pickerKey = key;
  ui.series.replaceChildren(...names.map((n, i) => new Option(`${i < Object.keys(s!.services).length ? 'service' : 'workload'} · ${n}`, n, false, n === state.series)));
  ui.legend.innerHTML = state.runs.map((r) => `<span><i style="background:${colorOf(r.spec.variant)}"></i>${escapeHtml(r.spec.variant)}</span>`).join('');
}
ui.series.addEventListener('change', () => selectSeries(ui.series.value));

function markers(): Marker[] {
  const scenario = state.ran?.scenario;
  if (!scenario) return [];
  const logged = state.runs[0]?.result?.summary.timeline;
  return scenario.timeline.map((e, i) => {
    const atS = e.at / 1e9;
    // The run's log says what happened ("20s scale catalog 3 -> 8: created ..."); the chart shows the time already.
    const fromLog = logged?.find((l) => l.atS === atS)?.description.replace(/^\S+\s+/, '');
    const { at: _at, ...action } = e as unknown as Record<string, unknown>;
    const label = fromLog ?? Object.entries(action).map(([k, v]) => `${k} ${Object.entries(v as object).map(([f, x]) => `${f}=${String(x)}`).join(' ')}`).join(', ');
    return { atS, label: label || `event ${i + 1}` };
  });
}

function renderCharts(): void {
  const scenario = state.ran?.scenario;
  ui.chartsEmpty.hidden = Boolean(scenario && state.series);
  ui.charts.hidden = !ui.chartsEmpty.hidden;
  ui.seriesField.hidden = ui.charts.hidden;
  if (!scenario || !state.series) return;
  const durationS = scenario.duration / 1e9;
  const intervalS = scenario.metrics.interval / 1e9;
  const ms = markers();
  const base = { durationS, intervalS, markers: ms, cursorS: state.cursorS, onPick: (tS: number) => setCursor(tS) };
  const linesFor = (metric: LineMetric, dashed = false): LineSet[] =>
    state.runs.flatMap((r) => {
      const t = tsOf(r);
      if (!t) return [];
      const s = seriesIndex(t.ts, state.series!);
      const suffix = metric === 'p50Ms' ? ' p50' : metric === 'p99Ms' ? ' p99' : '';
      const isBase = r.spec.variant === 'base';
      return [
        { variant: r.spec.variant + suffix, color: colorOf(r.spec.variant), points: line(t.ts, s, t.closed, metric), dashed, ...(!isBase && { against: `base${suffix}` }) },
      ];
    });
  const pp = (b: number, v: number) => pointsDelta(b, v);
  const rel = (b: number, v: number) => relativeDelta(b, v);
  drawLineChart(ui.success, linesFor('successRate'), { ...base, title: `${state.series} · ${LINE_METRICS.successRate.label}`, yDomain: [0, 1], yFormat: (v) => `${Math.round(v * 100)}%`, valueFormat: (v) => formatPct(v), delta: pp });
  const rate = linesFor('ratePerS');
  drawLineChart(ui.rate, rate, { ...base, title: `${state.series} · ${LINE_METRICS.ratePerS.label}`, yDomain: [0, extent(rate.map((l) => l.points))[1]], yFormat: (v) => formatRate(v), valueFormat: (v) => `${formatRate(v)}/s`, delta: rel });
  const lat = [...linesFor('p99Ms'), ...linesFor('p50Ms', true)];
  drawLineChart(ui.latency, lat, { ...base, title: `${state.series} · p99 (solid) and p50 (dashed) latency`, yDomain: [0, extent(lat.map((l) => l.points))[1]], yFormat: (v) => (v === 0 ? '0' : formatMs(v)), valueFormat: (v) => formatMs(v), delta: rel });
  ui.stacks.replaceChildren();
  // Lay out every box before drawing any: a chart sizes itself to its box.
  const isService = Object.hasOwn(scenario.services, state.series);
  const kinds = isService ? (['pods', 'codes', 'flags'] as const) : (['codes', 'flags'] as const);
  const boxes = kinds.flatMap((kind) =>
    state.runs.map((r) => {
      const box = document.createElement('div');
      box.className = 'chart-box';
      box.dataset.testid = `chart-${kind}-${r.spec.variant}`;
      ui.stacks.append(box);
      return { kind, r, box };
    }),
  );
  for (const { kind, r, box } of boxes) {
    {
      const t = tsOf(r);
      if (!t) continue;
      const s = seriesIndex(t.ts, state.series);
      const title = `${STACK_TITLES[kind]} · ${r.spec.variant}`;
      const data = kind === 'pods' ? podStates(t.ts, s, t.closed) : stacked(t.ts, s, t.closed, kind);
      if (data) drawStackedChart(box, data, kind, { ...base, title, height: 160 });
      else box.remove();
    }
  }
  ui.timeline.innerHTML = ms.length
    ? ms.map((m, k) => `<span class="tl-item"><b>${k + 1}</b> <span class="tl-at">${fmtS(m.atS)}</span> ${escapeHtml(m.label)}</span>`).join('')
    : '<span class="muted">no timeline events</span>';
}

function configureScrubber(scenario: Scenario): void {
  ui.scrubber.max = String(scenario.duration / 1e9);
  ui.scrubber.step = String(scenario.metrics.interval / 1e9);
}

function setCursor(tS: number): void {
  state.cursorS = tS;
  ui.scrubber.value = String(tS);
  schedule();
}
ui.scrubber.addEventListener('input', () => setCursor(Number(ui.scrubber.value)));

function renderStateAtT(): void {
  const ran = state.ran;
  ui.stateVariants.replaceChildren();
  if (!ran) {
    ui.pods.innerHTML = '<div class="empty">run a scenario, then drag the slider to see the mesh at any moment</div>';
    ui.graph.replaceChildren();
    ui.scrubLabel.textContent = '';
    return;
  }
  for (const r of state.runs) {
    const b = document.createElement('button');
    b.className = `chip${r.spec.variant === state.stateVariant ? ' on' : ''}`;
    b.innerHTML = `<span class="swatch" style="background:${colorOf(r.spec.variant)}"></span>${escapeHtml(r.spec.variant)}`;
    b.addEventListener('click', () => {
      state.stateVariant = r.spec.variant;
      schedule();
    });
    ui.stateVariants.append(b);
  }
  const run = state.runs.find((r) => r.spec.variant === state.stateVariant) ?? state.runs[0]!;
  const t = tsOf(run);
  if (!t || t.closed === 0) {
    ui.scrubLabel.textContent = 'waiting for the first interval…';
    return;
  }
  const latest = t.closed - 1;
  const i = state.cursorS === undefined ? latest : Math.min(latest, intervalAt(t.ts, state.cursorS));
  if (state.cursorS === undefined) ui.scrubber.value = String(((i + 0.5) * t.ts.intervalNs) / 1e9);
  const iS = t.ts.intervalNs / 1e9;
  ui.scrubLabel.textContent = `T = ${fmtS((i + 0.5) * iS)} · interval ${fmtS(i * iS)}–${fmtS((i + 1) * iS)}${state.cursorS === undefined ? ' (latest)' : ''}`;
  drawPods(ui.pods, podsAt(t.ts, run.result?.summary, i));
  const index = new Map(t.ts.series.map((s, k) => [`${s.kind}:${s.name}`, k]));
  drawCallGraph(ui.graph, ran.graph, edgeFlows(ran.graph, t.ts, i), (name, kind) => {
    const k = index.get(`${kind}:${name}`);
    return k === undefined ? 0 : t.ts.columns.started[k * t.ts.intervals + i]! / iS;
  });
}

window.addEventListener('resize', () => {
  summaryKey = '';
  schedule();
});

// ---- start: a share link, or the quickstart ----

async function boot(): Promise<void> {
  if (isShareFragment(location.hash)) {
    try {
      const shared = await decodeShare(location.hash);
      ui.scenario.value = SHIPPED_SCENARIOS.some((s) => s.file === shared.file) ? shared.file : '';
      const v = validate(shared.yaml, shared.file);
      state.unticked = new Set(v.ok ? v.scenario.variants.map((x) => x.name).filter((n) => !shared.variants.includes(n)) : []);
      state.autoRun = true;
      loadScenarioText(shared.file, shared.yaml, shared.seed);
      return;
    } catch (e) {
      setStatus('failed', e instanceof Error ? e.message : String(e));
    }
  }
  const first = SHIPPED_SCENARIOS[0];
  if (first) loadScenarioText(first.file, first.text);
}

await boot();
render();
requestAnimationFrame(() => {
  document.body.dataset.firstRenderMs = String(Math.round(performance.now()));
  performance.mark('meshsim:first-render');
});
