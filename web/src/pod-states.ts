import type { RunSummary, TimeSeries } from 'meshsim/browser';

/**
 * Pods per service by state at an interval. The recorder gains podsStarting / podsReady /
 * podsTerminating columns with the pod lifecycle (the count at each interval's end); until a
 * result has them, the view falls back to the ready endpoints at the end of the run.
 */
export const POD_STATES = ['ready', 'starting', 'terminating'] as const;
export type PodState = (typeof POD_STATES)[number];
const COLUMN: Record<PodState, string> = { starting: 'podsStarting', ready: 'podsReady', terminating: 'podsTerminating' };

export interface PodCounts {
  service: string;
  /** Undefined for a state the result does not record. */
  counts: Partial<Record<PodState, number>>;
}

export interface PodsAt {
  /** 'interval': counts at the end of the chosen interval; 'end': only ready pods at the run's end are known. */
  source: 'interval' | 'end';
  services: PodCounts[];
}

/** A column of the time series, or undefined when this result does not record it. */
export function optionalColumn(ts: TimeSeries, name: string): Float64Array | undefined {
  return (ts.columns as Record<string, Float64Array | undefined>)[name];
}

export function podsAt(ts: TimeSeries, summary: RunSummary | undefined, interval: number): PodsAt {
  const present = POD_STATES.filter((st) => optionalColumn(ts, COLUMN[st]));
  const services = ts.series.map((s, i) => ({ s, i })).filter(({ s }) => s.kind === 'service');
  if (present.length > 0) {
    return {
      source: 'interval',
      services: services.map(({ s, i }) => ({
        service: s.name,
        counts: Object.fromEntries(present.map((st) => [st, optionalColumn(ts, COLUMN[st])![i * ts.intervals + interval]!])),
      })),
    };
  }
  return { source: 'end', services: services.map(({ s }) => ({ service: s.name, counts: summary ? { ready: summary.readyAtEnd[s.name] ?? 0 } : {} })) };
}
