/**
 * The playground page: wires the editor, the run controller and the views. State lives here;
 * views are redrawn from it at most once per animation frame, so streamed updates never queue
 * up work on the main thread.
 */
import './style.css';
import { conntrackCsvLines, evaluateExpectations, summaryDocument, textBatches, timeSeriesCsvLines, type RunResult, type RunSpec, type Scenario, type TimeSeries } from 'meshsim/browser';
import { callGraph, type CallGraph } from './call-graph-data.ts';
import { createEditor, validate, type Validation } from './editor.ts';
import { escapeHtml } from './html.ts';
import { LiveSeries, type ConnectionData } from './live-series.ts';
import { RunController } from './run-controller.ts';
import { decodeShare, encodeShare, isShareFragment } from './share-codec.ts';
import { SHIPPED_SCENARIOS } from './shipped-scenarios.ts';
import { timelineMarkers } from './timeline-markers.ts';
import { drawConntrack } from './views/conntrack-view.ts';
import { drawExpectations } from './views/expectations-view.ts';
import { drawOverTime } from './views/over-time-view.ts';
import { drawProblems } from './views/problems-view.ts';
import { drawStateAtT } from './views/state-view.ts';
import { drawSummaryTable } from './views/summary-table.ts';

interface RunView {
  spec: RunSpec;
  fraction: number;
  live?: LiveSeries;
  result?: RunResult;
}

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
  dlConntrack: $<HTMLButtonElement>('dl-conntrack'),
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
  conntrackCard: $('conntrack-card'),
  conntrack: { entries: $('chart-conntrack-entries'), drops: $('chart-conntrack-drops'), pools: $('chart-conntrack-pools'), states: $('chart-conntrack-states') },
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
  drawProblems(ui.problems, v, state.file, jumpTo);
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
  ui.dlSummary.disabled = ui.dlCsv.disabled = ui.dlConntrack.disabled = true;
  // As the CLI writes conntrack.csv: when some run tracks connections (a variant may turn it on).
  ui.dlConntrack.hidden = ![scenario, ...variants.map((x) => x.scenario)].some((x) => x.cluster.conntrack.enabled);
  setStatus('running', 'starting…');
  schedule();
  const outcome = await controller.run(scenario, specs, {
    onStart: () => schedule(),
    onUpdate: (spec, u) => {
      const run = state.runs.find((r) => r.spec === spec)!;
      run.fraction = u.fraction;
      if (u.chunk) run.live ? run.live.add(u.chunk) : (run.live = new LiveSeries(u.chunk));
      schedule(u.chunk !== undefined);
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
    ui.dlSummary.disabled = ui.dlCsv.disabled = ui.dlConntrack.disabled = false;
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

function download(name: string, parts: BlobPart[], type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob(parts, { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

ui.dlSummary.addEventListener('click', () => {
  if (state.ran) download('summary.json', [JSON.stringify(summaryDocument(state.ran.scenario, finishedResults(), undefined), null, 2) + '\n'], 'application/json');
});
// The CSVs go to the Blob in batches of lines: a long run's file is longer than one string can be.
ui.dlCsv.addEventListener('click', () => download('timeseries.csv', [...textBatches(timeSeriesCsvLines(finishedResults()))], 'text/csv'));
ui.dlConntrack.addEventListener('click', () => download('conntrack.csv', [...textBatches(conntrackCsvLines(finishedResults()) ?? [])], 'text/csv'));

// ---- rendering ----

let pending = false;
let viewsStale = true;
/**
 * Redraws on the next animation frame. Most updates from a run only move its progress
 * (`viewsToo` false): those redraw the progress bar alone, the charts only when data arrived.
 */
function schedule(viewsToo = true): void {
  viewsStale ||= viewsToo;
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

function connectionsOf(run: RunView): { connections: ConnectionData; closed: number } | undefined {
  const r = run.result;
  if (r) return r.connectionSeries && r.summary.conntrack ? { connections: { series: r.connectionSeries, nfConntrackMax: r.summary.conntrack.nfConntrackMax }, closed: r.connectionSeries.intervals } : undefined;
  return run.live?.connections ? { connections: run.live.connections, closed: run.live.closed } : undefined;
}

let summaryKey = '';
function render(): void {
  renderProgress();
  if (!viewsStale) return;
  viewsStale = false;
  const summaries = finishedResults().map((r) => r.summary);
  const key = `${summaries.map((s) => s.digest).join()}|${state.series}|${controller.running}`;
  if (key !== summaryKey) {
    summaryKey = key;
    drawSummaryTable(ui.summary, summaries, state.series ?? '', selectSeries, colorOf, controller.running);
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

function renderCharts(): void {
  const scenario = state.ran?.scenario;
  ui.chartsEmpty.hidden = Boolean(scenario && state.series);
  ui.charts.hidden = !ui.chartsEmpty.hidden;
  ui.seriesField.hidden = ui.charts.hidden;
  if (!scenario || !state.series) return;
  drawOverTime(ui, {
    series: state.series,
    isService: Object.hasOwn(scenario.services, state.series),
    durationS: scenario.duration / 1e9,
    intervalS: scenario.metrics.interval / 1e9,
    runs: state.runs.map((r) => ({ variant: r.spec.variant, color: colorOf(r.spec.variant), data: tsOf(r) })),
    markers: timelineMarkers(scenario, state.runs[0]?.result?.summary.timeline),
    cursorS: state.cursorS,
    onPick: setCursor,
  });
  renderConntrack(scenario, state.series);
}

function renderConntrack(scenario: Scenario, series: string): void {
  const runs = state.runs.map((r) => ({ variant: r.spec.variant, color: colorOf(r.spec.variant), data: connectionsOf(r) }));
  ui.conntrackCard.hidden = !runs.some((r) => r.data);
  if (ui.conntrackCard.hidden) return;
  drawConntrack(ui.conntrack, {
    series,
    durationS: scenario.duration / 1e9,
    intervalS: scenario.metrics.interval / 1e9,
    runs,
    markers: timelineMarkers(scenario, state.runs[0]?.result?.summary.timeline),
    cursorS: state.cursorS,
    onPick: setCursor,
  });
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
  drawStateAtT(
    { pods: ui.pods, graph: ui.graph, label: ui.scrubLabel, scrubber: ui.scrubber },
    { graph: ran.graph, data: tsOf(run), summary: run.result?.summary, cursorS: state.cursorS },
  );
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
