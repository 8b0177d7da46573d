/** Non-2xx responses by status code, or responses by Envoy flag, stacked per interval. */
import * as d3 from 'd3';
import { formatCount } from 'meshsim/browser';
import type { Stacked } from '../chart-data.ts';
import { escapeHtml } from '../html.ts';
import { drawFrame, finishFrame, type FrameOptions } from './chart-frame.ts';

const CODE_COLORS: Record<string, string> = { '0': '#64748b', '500': '#dc2626', '503': '#9333ea', '504': '#f59e0b' };
const FLAG_COLORS: Record<string, string> = { UT: '#f59e0b', UC: '#9333ea', UH: '#0891b2', DC: '#64748b' };
const POD_COLORS: Record<string, string> = { ready: '#16a34a', starting: '#f59e0b', terminating: '#94a3b8' };
const CONNTRACK_COLORS: Record<string, string> = { SYN_SENT: '#dc2626', ESTABLISHED: '#2563eb', TIME_WAIT: '#94a3b8', CLOSE: '#64748b' };
const COLORS: Record<StackKind, Record<string, string>> = { codes: CODE_COLORS, flags: FLAG_COLORS, pods: POD_COLORS, conntrack: CONNTRACK_COLORS };
const FALLBACK = d3.schemeTableau10;

/** What is stacked: responses by code or flag, pods by state, conntrack entries by state. */
export type StackKind = 'codes' | 'flags' | 'pods' | 'conntrack';
const EMPTY: Record<StackKind, string> = { codes: 'no non-2xx responses', flags: 'no response flags', pods: 'no pods', conntrack: 'no entries' };

export function colorFor(key: string, kind: StackKind, k: number): string {
  return COLORS[kind][key] ?? FALLBACK[k % FALLBACK.length]!;
}

export function drawStackedChart(container: HTMLElement, data: Stacked, kind: StackKind, o: Omit<FrameOptions, 'hover' | 'yDomain' | 'yFormat'>): void {
  const layers = d3.stack<Stacked['rows'][number]>().keys(data.keys).value((r, k) => r.values[k] ?? 0)(data.rows);
  const top = d3.max(layers, (l) => d3.max(l, (p) => p[1])) ?? 0;
  const perS = 1 / o.intervalS;
  const hover = (tS: number): [string, string, string?][] => {
    const row = data.rows.find((r) => Math.abs(r.tS - tS) < o.intervalS / 2);
    if (!row || data.keys.length === 0) return [[EMPTY[kind], '']];
    // Responses are counts per interval (also given per second); pods and entries, counts at the interval's end.
    const text = (n: number) => (kind === 'pods' ? `${formatCount(n)} pods` : kind === 'conntrack' ? `${formatCount(n)} entries` : `${formatCount(n)} (${formatCount(n * perS)}/s)`);
    return [...data.keys].reverse().map((k) => [kind === 'codes' ? `code ${k}` : k, text(row.values[k] ?? 0), colorFor(k, kind, data.keys.indexOf(k))]);
  };
  const full = { ...o, hover, yDomain: [0, Math.max(1, top)] as [number, number], yFormat: (v: number) => (Number.isInteger(v) ? d3.format('~s')(v) : '') };
  const f = drawFrame(container, full);
  const area = d3
    .area<d3.SeriesPoint<Stacked['rows'][number]>>()
    .curve(d3.curveStepAfter)
    .x((p) => f.x(p.data.tS))
    .y0((p) => f.y(p[0]))
    .y1((p) => f.y(p[1]));
  layers.forEach((layer, i) => {
    // Step areas need a closing point at the last interval's end.
    const last = layer[layer.length - 1];
    const pts = last ? [...layer, Object.assign([last[0], last[1]], { data: { ...last.data, tS: last.data.tS + o.intervalS } }) as typeof last] : layer;
    f.g.append('path').attr('class', 'stack-area').attr('data-key', layer.key).attr('fill', colorFor(layer.key, kind, i)).attr('d', area(pts) ?? '');
  });
  if (data.keys.length === 0 && data.rows.length > 0) {
    f.g.append('text').attr('class', 'stack-empty').attr('x', f.width / 2).attr('y', f.height / 2).attr('text-anchor', 'middle').text(EMPTY[kind]);
  }
  finishFrame(f, full);
  if (data.keys.length > 0) {
    const legend = document.createElement('div');
    legend.className = 'stack-legend';
    legend.innerHTML = data.keys.map((k, i) => `<span><i style="background:${colorFor(k, kind, i)}"></i>${kind === 'codes' ? `code ${escapeHtml(k)}` : escapeHtml(k)}</span>`).join('');
    container.append(legend);
  }
}
