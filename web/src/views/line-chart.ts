/** A metric over time, one line per variant on shared axes (variants overlaid). */
import * as d3 from 'd3';
import type { Point } from '../chart-data.ts';
import { drawFrame, finishFrame, type FrameOptions } from './chart-frame.ts';

export interface LineSet {
  variant: string;
  color: string;
  points: Point[];
  dashed?: boolean;
}

export function drawLineChart(container: HTMLElement, lines: LineSet[], o: Omit<FrameOptions, 'hover'> & { valueFormat: (v: number) => string }): void {
  const hover = (tS: number): [string, string, string?][] =>
    lines.map((l) => {
      const p = l.points.find((q) => Math.abs(q.tS - tS) < o.intervalS / 2);
      return [l.variant, p && Number.isFinite(p.value) ? o.valueFormat(p.value) : '–', l.color];
    });
  const f = drawFrame(container, { ...o, hover });
  const half = o.intervalS / 2;
  const path = d3
    .line<Point>()
    .defined((p) => Number.isFinite(p.value))
    .x((p) => f.x(p.tS + half))
    .y((p) => f.y(p.value));
  for (const l of lines) {
    f.g.append('path').attr('class', 'series-line').attr('data-variant', l.variant).attr('stroke', l.color).attr('data-points', l.points.filter((p) => Number.isFinite(p.value)).length).attr('stroke-dasharray', l.dashed ? '4 3' : null).attr('d', path(l.points) ?? '');
  }
  finishFrame(f, { ...o, hover });
}
