/**
 * "Over time" for one series: success rate, request rate and latency with every variant
 * overlaid, then per variant the pods by state (services), non-2xx codes and response flags
 * stacked; the timeline's events on every chart and listed below.
 */
import { formatMs, formatPct, formatRate, pointsDelta, relativeDelta, type TimeSeries } from 'meshsim/browser';
import { extent, line, LINE_METRICS, podStates, seriesIndex, stacked, type LineMetric } from '../chart-data.ts';
import { escapeHtml } from '../html.ts';
import { fmtS, type Marker } from './chart-frame.ts';
import { drawLineChart, type LineSet } from './line-chart.ts';
import { drawStackedChart } from './stacked-chart.ts';

export interface OverTimeElements {
  success: HTMLElement;
  rate: HTMLElement;
  latency: HTMLElement;
  stacks: HTMLElement;
  timeline: HTMLElement;
}

export interface RunSeries {
  variant: string;
  color: string;
  /** Undefined until the run's first interval arrives. */
  data?: { ts: TimeSeries; closed: number };
}

export interface OverTimeInput {
  series: string;
  isService: boolean;
  durationS: number;
  intervalS: number;
  runs: RunSeries[];
  markers: Marker[];
  cursorS: number | undefined;
  onPick: (tS: number) => void;
}

const STACK_TITLES = { pods: 'pods by state', codes: 'non-2xx by status code', flags: 'by response flag' } as const;

export function drawOverTime(el: OverTimeElements, o: OverTimeInput): void {
  const frame = { durationS: o.durationS, intervalS: o.intervalS, markers: o.markers, cursorS: o.cursorS, onPick: o.onPick };
  const linesFor = (metric: LineMetric, dashed = false): LineSet[] =>
    o.runs.flatMap((r) => {
      if (!r.data) return [];
      const suffix = metric === 'p50Ms' ? ' p50' : metric === 'p99Ms' ? ' p99' : '';
      const points = line(r.data.ts, seriesIndex(r.data.ts, o.series), r.data.closed, metric);
      return [{ variant: r.variant + suffix, color: r.color, points, dashed, ...(r.variant !== 'base' && { against: `base${suffix}` }) }];
    });
  const top = (lines: LineSet[]) => extent(lines.map((l) => l.points))[1];
  const rel = (b: number, v: number) => relativeDelta(b, v);
  drawLineChart(el.success, linesFor('successRate'), {
    ...frame,
    title: `${o.series} · ${LINE_METRICS.successRate.label}`,
    yDomain: [0, 1],
    yFormat: (v) => `${Math.round(v * 100)}%`,
    valueFormat: (v) => formatPct(v),
    delta: (b, v) => pointsDelta(b, v),
  });
  const rate = linesFor('ratePerS');
  drawLineChart(el.rate, rate, { ...frame, title: `${o.series} · ${LINE_METRICS.ratePerS.label}`, yDomain: [0, top(rate)], yFormat: formatRate, valueFormat: (v) => `${formatRate(v)}/s`, delta: rel });
  const latency = [...linesFor('p99Ms'), ...linesFor('p50Ms', true)];
  drawLineChart(el.latency, latency, {
    ...frame,
    title: `${o.series} · p99 (solid) and p50 (dashed) latency`,
    yDomain: [0, top(latency)],
    yFormat: (v) => (v === 0 ? '0' : formatMs(v)),
    valueFormat: formatMs,
    delta: rel,
  });
  drawStacks(el.stacks, o, frame);
  el.timeline.innerHTML = o.markers.length
    ? o.markers.map((m, k) => `<span class="tl-item"><b>${k + 1}</b> <span class="tl-at">${fmtS(m.atS)}</span> ${escapeHtml(m.label)}</span>`).join('')
    : '<span class="muted">no timeline events</span>';
}

function drawStacks(container: HTMLElement, o: OverTimeInput, frame: Omit<Parameters<typeof drawStackedChart>[3], 'title'>): void {
  container.replaceChildren();
  const kinds = o.isService ? (['pods', 'codes', 'flags'] as const) : (['codes', 'flags'] as const);
  // Lay out every box before drawing any: a chart sizes itself to its box.
  const boxes = kinds.flatMap((kind) =>
    o.runs.map((r) => {
      const box = document.createElement('div');
      box.className = 'chart-box';
      box.dataset.testid = `chart-${kind}-${r.variant}`;
      container.append(box);
      return { kind, r, box };
    }),
  );
  for (const { kind, r, box } of boxes) {
    if (!r.data) continue;
    const s = seriesIndex(r.data.ts, o.series);
    const data = kind === 'pods' ? podStates(r.data.ts, s, r.data.closed) : stacked(r.data.ts, s, r.data.closed, kind);
    if (data) drawStackedChart(box, data, kind, { ...frame, title: `${STACK_TITLES[kind]} · ${r.variant}`, height: 160 });
    else box.remove();
  }
}
