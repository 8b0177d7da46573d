/** "State at time T": the interval the scrubber points at, its pods by state and the call graph. */
import type { RunSummary, TimeSeries } from 'meshsim/browser';
import { intervalAt } from '../chart-data.ts';
import { edgeFlows, type CallGraph } from '../call-graph-data.ts';
import { podsAt } from '../pod-states.ts';
import { drawCallGraph } from './call-graph-view.ts';
import { fmtS } from './chart-frame.ts';
import { drawPods } from './pods-view.ts';

export interface StateElements {
  pods: HTMLElement;
  graph: HTMLElement;
  label: HTMLElement;
  scrubber: HTMLInputElement;
}

export interface StateInput {
  graph: CallGraph;
  data: { ts: TimeSeries; closed: number } | undefined;
  summary: RunSummary | undefined;
  /** Undefined: follow the newest closed interval. */
  cursorS: number | undefined;
}

export function drawStateAtT(el: StateElements, o: StateInput): void {
  const t = o.data;
  if (!t || t.closed === 0) {
    el.label.textContent = 'waiting for the first interval…';
    return;
  }
  const latest = t.closed - 1;
  const i = o.cursorS === undefined ? latest : Math.min(latest, intervalAt(t.ts, o.cursorS));
  const iS = t.ts.intervalNs / 1e9;
  if (o.cursorS === undefined) el.scrubber.value = String((i + 0.5) * iS);
  el.label.textContent = `T = ${fmtS((i + 0.5) * iS)} · interval ${fmtS(i * iS)}–${fmtS((i + 1) * iS)}${o.cursorS === undefined ? ' (latest)' : ''}`;
  drawPods(el.pods, podsAt(t.ts, o.summary, i));
  const index = new Map(t.ts.series.map((s, k) => [`${s.kind}:${s.name}`, k]));
  drawCallGraph(el.graph, o.graph, edgeFlows(o.graph, t.ts, i), (name, kind) => {
    const k = index.get(`${kind}:${name}`);
    return k === undefined ? 0 : t.ts.columns.started[k * t.ts.intervals + i]! / iS;
  });
}
