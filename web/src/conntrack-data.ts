/**
 * Shapes a run's connection series into what the conntrack charts draw, one point per closed
 * interval at its start (as conntrack.csv does): the busiest node's table, SYNs dropped, the
 * nodes' entries by state, and the pooled connections towards one service.
 */
import { busiestNodePeakAt, nodeDropsAt, nodeSumAt, STATE_SERIES, type ConnectionSeries, type StateName } from 'meshsim/browser';
import type { Point, Stacked } from './chart-data.ts';

/** The states in stacking order, bottom first: the long-lived ESTABLISHED entries under the churn. */
const STACK_ORDER: readonly StateName[] = ['ESTABLISHED', 'TIME_WAIT', 'CLOSE', 'SYN_SENT'];
const STATES = STACK_ORDER.map((state) => STATE_SERIES.find(([name]) => name === state)!);

/** Per interval, the highest peak any node's host-netns table reached in it. */
export function busiestNodePeak(cs: ConnectionSeries, closed: number, intervalS: number): Point[] {
  return perInterval(cs, closed, intervalS, (i) => busiestNodePeakAt(cs, i));
}

/** Per interval, SYNs the nodes' host-netns tables dropped, per second. */
export function dropsPerS(cs: ConnectionSeries, closed: number, intervalS: number): Point[] {
  return perInterval(cs, closed, intervalS, (i) => nodeDropsAt(cs, i) / intervalS);
}

/** Per interval, the pooled connections open towards `service` at the interval's end; [] when it has none. */
export function poolConnections(cs: ConnectionSeries, service: string, closed: number, intervalS: number): Point[] {
  const s = cs.services.indexOf(service);
  if (s < 0) return [];
  return perInterval(cs, closed, intervalS, (i) => cs.service.poolConnections[i * cs.services.length + s]!);
}

function perInterval(cs: ConnectionSeries, closed: number, intervalS: number, value: (i: number) => number): Point[] {
  return Array.from({ length: Math.min(closed, cs.intervals) }, (_, i) => ({ tS: i * intervalS, value: value(i) }));
}

/**
 * Per closed interval, the nodes' host-netns entries by state at its end, summed over nodes, for
 * a stacked chart; only states some interval holds.
 */
export function entriesByState(cs: ConnectionSeries, closed: number, intervalS: number): Stacked {
  const n = Math.min(closed, cs.intervals);
  const rows = Array.from({ length: n }, (_, i) => ({ tS: i * intervalS, values: Object.fromEntries(STATES.map(([state, column]) => [state, nodeSumAt(cs, column, i)])) }));
  return { keys: STATES.map(([state]) => state).filter((state) => rows.some((r) => r.values[state]! > 0)), rows };
}
