/**
 * "Connections and conntrack", for runs that track connections: the busiest node's host-netns
 * table against nf_conntrack_max, the SYNs full tables dropped, and the pooled connections
 * towards the chosen service, every variant overlaid; then per variant the nodes' entries by
 * state, stacked. The timeline's events are marked on each.
 */
import { formatCount, formatRate, relativeDelta } from 'meshsim/browser';
import { extent } from '../chart-data.ts';
import { busiestNodePeak, dropsPerS, entriesByState, poolConnections } from '../conntrack-data.ts';
import type { ConnectionData } from '../live-series.ts';
import type { Marker } from './chart-frame.ts';
import { drawLineChart, type LineSet } from './line-chart.ts';
import { drawStackedChart } from './stacked-chart.ts';

export interface ConntrackElements {
  entries: HTMLElement;
  drops: HTMLElement;
  pools: HTMLElement;
  /** One stacked chart of entries by state per variant goes in here. */
  states: HTMLElement;
}

export interface ConntrackInput {
  /** The chosen series: its pool chart is drawn when it is a service. */
  series: string;
  durationS: number;
  intervalS: number;
  runs: { variant: string; color: string; data?: { connections: ConnectionData; closed: number } }[];
  markers: Marker[];
  cursorS: number | undefined;
  onPick: (tS: number) => void;
}

export function drawConntrack(el: ConntrackElements, o: ConntrackInput): void {
  const frame = { durationS: o.durationS, intervalS: o.intervalS, markers: o.markers, cursorS: o.cursorS, onPick: o.onPick };
  const runs = o.runs.flatMap((r) => (r.data ? [{ ...r, data: r.data }] : []));
  const against = (variant: string) => (variant !== 'base' ? { against: 'base' } : {});
  const count = (v: number) => formatCount(Math.round(v));
  const rel = (b: number, v: number) => relativeDelta(b, v);
  const top = (lines: LineSet[]) => Math.max(1, extent(lines.map((l) => l.points))[1]);

  const peaks: LineSet[] = runs.map((r) => ({ variant: r.variant, color: r.color, points: busiestNodePeak(r.data.connections.series, r.data.closed, o.intervalS), ...against(r.variant) }));
  // The scale reaches the lowest limit, the one a table hits first; a far higher limit (a
  // variant's fix) would flatten every line, so it is named in the title and read on hover.
  const lowestLimit = Math.min(...runs.map((r) => r.data.connections.nfConntrackMax));
  const yTop = Math.max(top(peaks), lowestLimit) * 1.1;
  const limits: LineSet[] = runs.map((r) => ({
    variant: `${r.variant} nf_conntrack_max`,
    color: r.color,
    dashed: true,
    offScale: r.data.connections.nfConntrackMax > yTop,
    // A point per interval of the run, so hovering anywhere reads the limit.
    points: Array.from({ length: r.data.connections.series.intervals }, (_, i) => ({ tS: i * o.intervalS, value: r.data.connections.nfConntrackMax })),
  }));
  const above = runs.filter((_, k) => limits[k]!.offScale).map((r) => `${r.variant} ${count(r.data.connections.nfConntrackMax)}`);
  drawLineChart(el.entries, [...peaks, ...limits], {
    ...frame,
    title: `busiest node · conntrack entries, peak (dashed: nf_conntrack_max${above.length ? `; above the scale: ${above.join(', ')}` : ''})`,
    yDomain: [0, yTop],
    yFormat: count,
    valueFormat: count,
    delta: rel,
  });

  const drops: LineSet[] = runs.map((r) => ({ variant: r.variant, color: r.color, points: dropsPerS(r.data.connections.series, r.data.closed, o.intervalS), ...against(r.variant) }));
  drawLineChart(el.drops, drops, { ...frame, title: 'SYNs dropped by full tables, per second (all nodes)', yDomain: [0, top(drops)], yFormat: formatRate, valueFormat: (v) => `${formatRate(v)}/s`, delta: rel });

  const pools: LineSet[] = runs
    .map((r) => ({ variant: r.variant, color: r.color, points: poolConnections(r.data.connections.series, o.series, r.data.closed, o.intervalS), ...against(r.variant) }))
    .filter((l) => l.points.length > 0);
  el.pools.hidden = pools.length === 0;
  if (pools.length > 0) drawLineChart(el.pools, pools, { ...frame, title: `${o.series} · pooled connections open towards it`, yDomain: [0, top(pools)], yFormat: count, valueFormat: count, delta: rel });

  // Lay out every box before drawing any: a chart sizes itself to its box.
  el.states.replaceChildren();
  const boxes = runs.map((r) => {
    const box = document.createElement('div');
    box.className = 'chart-box';
    box.dataset.testid = `chart-conntrack-states-${r.variant}`;
    el.states.append(box);
    return { r, box };
  });
  for (const { r, box } of boxes) {
    const data = entriesByState(r.data.connections.series, r.data.closed, o.intervalS);
    drawStackedChart(box, data, 'conntrack', { ...frame, title: `conntrack entries by state · ${r.variant}`, height: 160 });
  }
}
