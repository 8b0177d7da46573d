/**
 * What every time chart shares: the frame and axes, the timeline's events as marked vertical
 * lines, the scrubber's cursor at time T, and hover that reports the interval under the mouse.
 */
import * as d3 from 'd3';
import { hideTooltip, showTooltip } from './tooltip.ts';

export interface Marker {
  atS: number;
  label: string;
}

export interface FrameOptions {
  title: string;
  durationS: number;
  intervalS: number;
  yDomain: [number, number];
  yFormat: (v: number) => string;
  markers: Marker[];
  cursorS: number | undefined;
  /** Tooltip rows for the interval starting at tS (label, value, colour). */
  hover: (tS: number) => [string, string, string?][];
  onPick: (tS: number) => void;
  height?: number;
}

export const MARGIN = { top: 32, right: 12, bottom: 22, left: 52 };

export interface Frame {
  g: d3.Selection<SVGGElement, unknown, null, undefined>;
  x: d3.ScaleLinear<number, number>;
  y: d3.ScaleLinear<number, number>;
  width: number;
  height: number;
}

export function drawFrame(container: HTMLElement, o: FrameOptions): Frame {
  const outerW = Math.max(240, container.clientWidth || 420);
  const outerH = o.height ?? 180;
  const width = outerW - MARGIN.left - MARGIN.right;
  const height = outerH - MARGIN.top - MARGIN.bottom;
  container.replaceChildren();
  const svg = d3.select(container).append('svg').attr('width', outerW).attr('height', outerH).attr('class', 'chart');
  svg.append('text').attr('class', 'chart-title').attr('x', MARGIN.left).attr('y', 13).text(o.title);
  const g = svg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
  const x = d3.scaleLinear().domain([0, o.durationS]).range([0, width]);
  const y = d3.scaleLinear().domain(o.yDomain).nice(4).range([height, 0]);
  g.append('g').attr('class', 'grid').call(d3.axisLeft(y).ticks(4).tickSize(-width).tickFormat(() => ''));
  g.append('g').attr('class', 'axis').attr('transform', `translate(0,${height})`).call(d3.axisBottom(x).ticks(6).tickFormat((d) => `${d}s`));
  g.append('g').attr('class', 'axis').call(d3.axisLeft(y).ticks(4).tickFormat((d) => o.yFormat(Number(d))));
  const markers = g.append('g').attr('class', 'markers');
  o.markers.forEach((m, k) => {
    const mx = x(m.atS);
    const mg = markers.append('g').attr('class', 'marker').attr('data-at', m.atS);
    mg.append('line').attr('x1', mx).attr('x2', mx).attr('y1', -4).attr('y2', height);
    mg.append('circle').attr('cx', mx).attr('cy', -6).attr('r', 6);
    mg.append('text').attr('x', mx).attr('y', -3).text(String(k + 1));
    mg.append('title').text(`${m.atS}s: ${m.label}`);
  });
  return { g, x, y, width, height };
}

/** Hover and click layer, and the cursor; call after drawing the data so it sits on top. */
export function finishFrame(f: Frame, o: FrameOptions): void {
  const { g, x, width, height } = f;
  if (o.cursorS !== undefined) {
    g.append('line').attr('class', 'cursor').attr('x1', x(o.cursorS)).attr('x2', x(o.cursorS)).attr('y1', 0).attr('y2', height);
  }
  const hoverLine = g.append('line').attr('class', 'hover-line').attr('y1', 0).attr('y2', height).style('display', 'none');
  const snap = (px: number) => Math.max(0, Math.min(o.durationS - o.intervalS, Math.floor(x.invert(px) / o.intervalS) * o.intervalS));
  g.append('rect')
    .attr('class', 'hover-target')
    .attr('width', width)
    .attr('height', height)
    .on('mousemove', (ev: MouseEvent) => {
      const [px] = d3.pointer(ev);
      const tS = snap(px);
      hoverLine.attr('x1', x(tS + o.intervalS / 2)).attr('x2', x(tS + o.intervalS / 2)).style('display', null);
      showTooltip(ev.clientX, ev.clientY, o.hover(tS), `${o.title} · ${fmtS(tS)}–${fmtS(tS + o.intervalS)}`);
    })
    .on('mouseleave', () => {
      hoverLine.style('display', 'none');
      hideTooltip();
    })
    .on('click', (ev: MouseEvent) => o.onPick(snap(d3.pointer(ev)[0]) + o.intervalS / 2));
}

export function fmtS(s: number): string {
  return `${Number(s.toFixed(3))}s`;
}
