/** The call graph at time T: layered from the workloads, edges sized by rate, coloured by error share. */
import * as d3 from 'd3';
import { formatPct, formatRate } from 'meshsim/browser';
import type { CallGraph, EdgeFlow } from '../call-graph-data.ts';
import { hideTooltip, showTooltip } from './tooltip.ts';

const NODE_W = 124;
/** Room between layers for the edge labels. */
const GAP_W = 84;
/** Above this many edges, labels would pile up: the values are in each edge's tooltip. */
const MAX_LABELLED_EDGES = 16;
const NODE_H = 30;
const errorColor = d3.scaleLinear<string>().domain([0, 0.05, 0.5, 1]).range(['#16a34a', '#eab308', '#dc2626', '#7f1d1d']).clamp(true);

export function drawCallGraph(container: HTMLElement, graph: CallGraph, flows: EdgeFlow[], nodeRate: (name: string, kind: string) => number): void {
  container.replaceChildren();
  const layers = d3.group(graph.nodes, (n) => n.layer);
  const depth = Math.max(...graph.nodes.map((n) => n.layer)) + 1;
  const tallest = Math.max(...[...layers.values()].map((l) => l.length));
  const width = Math.max(container.clientWidth || 600, depth * NODE_W + (depth - 1) * GAP_W + 20);
  const rowH = 46;
  const height = Math.max(120, tallest * rowH + 20);
  const colW = depth > 1 ? (width - NODE_W - 20) / (depth - 1) : 0;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [layer, nodes] of layers) {
    const offset = (height - nodes.length * rowH) / 2;
    nodes.forEach((n, i) => pos.set(n.name, { x: 10 + layer * colW, y: offset + i * rowH + (rowH - NODE_H) / 2 }));
  }
  const svg = d3.select(container).append('svg').attr('width', width).attr('height', height).attr('class', 'graph');
  const maxRate = Math.max(1, ...flows.map((f) => f.ratePerS));
  const edges = svg.append('g');
  for (const f of flows) {
    const a = pos.get(f.from);
    const b = pos.get(f.to);
    if (!a || !b) continue;
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x;
    const y2 = b.y + NODE_H / 2;
    const mx = (x1 + x2) / 2;
    const color = Number.isFinite(f.errorShare) ? errorColor(f.errorShare) : '#cbd5e1';
    const eg = edges.append('g').attr('class', 'edge').attr('data-from', f.from).attr('data-to', f.to);
    eg.append('path')
      .attr('d', `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`)
      .attr('stroke', color)
      .attr('stroke-width', 1.5 + 8 * Math.sqrt(f.ratePerS / maxRate))
      .attr('fill', 'none')
      .attr('opacity', 0.75);
    const label = `${f.estimated ? '≈' : ''}${formatRate(f.ratePerS)}/s`;
    const errors = Number.isFinite(f.errorShare) && f.errorShare > 0 ? `${formatPct(f.errorShare, 1)} err` : '';
    // Labels sit just before the callee, where fanned-out edges are apart; several callers of
    // one callee stack their labels upwards.
    const k = flows.filter((x) => x.to === f.to).indexOf(f);
    const lx = x2 - 6;
    const ly = y2 - 4 - k * 24;
    if (flows.length <= MAX_LABELLED_EDGES) {
      eg.append('text').attr('class', 'edge-label').attr('x', lx).attr('y', ly - (errors ? 11 : 0)).text(label);
      if (errors) eg.append('text').attr('class', 'edge-label edge-errors').attr('x', lx).attr('y', ly).text(errors);
    }
    eg.on('mousemove', (ev: MouseEvent) =>
      showTooltip(
        ev.clientX,
        ev.clientY,
        [
          ['rate', `${formatRate(f.ratePerS)}/s${f.estimated ? ' (estimated: several callers)' : ''}`],
          ['error share of callee', Number.isFinite(f.errorShare) ? formatPct(f.errorShare) : '–', color],
          ['calls per request', String(Number(f.probability.toFixed(3)))],
        ],
        `${f.from} → ${f.to}`,
      ),
    ).on('mouseleave', hideTooltip);
  }
  const nodes = svg.append('g');
  for (const n of graph.nodes) {
    const p = pos.get(n.name)!;
    const ng = nodes.append('g').attr('class', `node ${n.kind}`).attr('transform', `translate(${p.x},${p.y})`).attr('data-node', n.name);
    ng.append('rect').attr('width', NODE_W).attr('height', NODE_H).attr('rx', n.kind === 'workload' ? 15 : 6);
    ng.append('text').attr('x', 8).attr('y', 13).attr('class', 'node-name').text(n.name.length > 16 ? `${n.name.slice(0, 15)}…` : n.name);
    ng.append('text').attr('x', 8).attr('y', 25).attr('class', 'node-rate').text(`${formatRate(nodeRate(n.name, n.kind))}/s`);
    ng.append('title').text(n.name);
  }
}
