/**
 * The scenario's timeline events as chart markers: their time, and what they did. Before a run
 * ends, the action as the scenario states it ("scale service=catalog replicas=8"); after, the
 * run's own log ("scale catalog 3 -> 8: created catalog-3, ..."), which says what happened.
 */
import type { Scenario, TimelineLogEntry } from 'meshsim/browser';
import type { Marker } from './views/chart-frame.ts';

export function timelineMarkers(scenario: Scenario, logged: readonly TimelineLogEntry[] | undefined): Marker[] {
  return scenario.timeline.map((e, i) => {
    const atS = e.at / 1e9;
    // The log's description starts with the time, which the chart already shows.
    const fromLog = logged?.find((l) => l.atS === atS)?.description.replace(/^\S+\s+/, '');
    const { at: _at, ...action } = e as unknown as Record<string, unknown>;
    const stated = Object.entries(action)
      .map(([k, v]) => `${k} ${Object.entries(v as object).map(([f, x]) => `${f}=${fieldText(x)}`).join(' ')}`)
      .join(', ');
    return { atS, label: fromLog || stated || `event ${i + 1}` };
  });
}

/** A field's value as written: a list as a,b (kill's pods), a mapping as {k: v} (route weights). */
function fieldText(x: unknown): string {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return String(x);
  return `{${Object.entries(x).map(([k, v]) => `${k}: ${String(v)}`).join(', ')}}`;
}
