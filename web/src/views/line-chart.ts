/** A metric over time, one line per variant on shared axes (variants overlaid). */
import * as d3 from 'd3';
import type { Point } from '../chart-data.ts';
import { drawFrame, finishFrame, type FrameOptions } from './chart-frame.ts';

export interface LineSet {
  variant: string;
  color: string;
  points: Point[];
  dashed?: boolean;
  /** The line this one is compared with in the tooltip (a variant's base), by its label. */
  against?: string;
  /** In the tooltip only: its values lie above the chart's scale. */
  offScale?: boolean;
}

export interface LineChartOptions extends Omit<FrameOptions, 'hover'> {
  valueFormat: (v: number) => string;
  /** The difference from the base as the CLI writes it ("+28.33pp", "-27%"); "" for none. */
  delta: (base: number, value: number) => string;
}

export function drawLineChart(container: HTMLElement, lines: LineSet[], o: LineChartOptions): void {
  const at = (l: LineSet | undefined, tS: number) => l?.points.find((q) => Math.abs(q.tS - tS) < o.intervalS / 2)?.value;
  const hover = (tS: number): [string, string, string?][] =>
    lines.map((l) => {
      const v = at(l, tS);
      if (v === undefined || !Number.isFinite(v)) return [l.variant, '–', l.color];
      const base = l.against === undefined ? undefined : at(lines.find((x) => x.variant === l.against), tS);
      const d = base !== undefined && Number.isFinite(base) ? o.delta(base, v) : '';
      return [l.variant, d ? `${o.valueFormat(v)} (${d})` : o.valueFormat(v), l.color];
    });
  const f = drawFrame(container, { ...o, hover });
  const half = o.intervalS / 2;
  const path = d3
    .line<Point>()
    .defined((p) => Number.isFinite(p.value))
    .x((p) => f.x(p.tS + half))
    .y((p) => f.y(p.value));
  // The base runs under its variants, wide and pale, so a variant that follows it closely
  // (HTTP/2 over HTTP/1.1, say) leaves it visible as a halo instead of hiding it.
  const overlaid = lines.filter((l) => !l.dashed && !l.offScale).length > 1;
  for (const l of lines) {
    if (l.offScale) continue;
    const under = overlaid && l.variant === 'base';
    f.g.append('path').attr('class', under ? 'series-line base-under' : 'series-line').attr('data-variant', l.variant).attr('stroke', l.color).attr('data-points', l.points.filter((p) => Number.isFinite(p.value)).length).attr('stroke-dasharray', l.dashed ? '4 3' : null).attr('d', path(l.points) ?? '');
  }
  finishFrame(f, { ...o, hover });
}
