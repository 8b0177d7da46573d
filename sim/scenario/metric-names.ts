/**
 * The figures an `expect:` entry can name: `SERIES.figure` for a service (requests to it) or a
 * workload (requests it sent), `controlPlane.figure` for istiod's convergence. Parsed here, at
 * the edge, so an unknown name is a validation error with its line; evaluated in run/expectations.ts.
 */
import { FLAG_NAMES } from '../metrics/response-flags.ts';
import { suggest } from './issues.ts';

/** Figures of every series, over the whole run after warm-up. */
export const SERIES_FIGURES = ['successRate', 'errorRate', 'requests', 'ratePerS', 'meanMs', 'p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'maxMs', 'panicPicks', 'inFlightAtEnd'] as const;
/** Services whose callers run active HC or outlier detection (no data otherwise). */
export const HEALTH_FIGURES = ['panicShare', 'healthyHostsMin', 'undeadHostsMax', 'undeadHostsAtEnd', 'hcChecks', 'hcFailures', 'ejections'] as const;
/** Services only. */
export const SERVICE_FIGURES = [
  'startupFailures',
  'shutdownFailures',
  'appRestarts',
  'readyAtEnd',
  // Retries and amplification (README "Retries and overload"); counted over the whole run.
  'attempts',
  'retries',
  'retryOverflow',
  'appRetries',
  'attemptsPerRequest',
  'amplification',
  // Connections (README "Connections and conntrack").
  'connects',
  'connectFailures',
  'connectionsOpenAtEnd',
  // Routes (README "Canaries and clients without a sidecar"): a destination's share of its route.
  'share',
  ...HEALTH_FIGURES,
] as const;
/** What the time series holds exactly, so these alone take a from/to window. */
export const WINDOW_FIGURES = ['successRate', 'errorRate', 'requests', 'ratePerS', 'share', 'panicPicks', 'attempts', 'retries', 'retryOverflow', 'appRetries', 'panicShare', 'healthyHostsMin', 'undeadHostsMax'] as const;
export const CONTROL_PLANE_FIGURES = [
  'pushes',
  'convergenceP50Ms',
  'convergenceP99Ms',
  'convergenceMaxMs',
  'lastProxyP99Ms',
  'lastProxyMaxMs',
  'initialConfigP99Ms',
  'initialConfigMaxMs',
] as const;

/** `conntrack.figure`: the run's connection and conntrack figures (summary.conntrack; 0 without it). */
export const CONNTRACK_FIGURES = [
  'drops',
  'hostDrops',
  'earlyDrops',
  'gcEvictions',
  'synsDropped',
  'connectsRetransmitted',
  'connectsAbandoned',
  'connectsTimedOut',
  'worstNodePeakEntries',
  'worstNodeDrops',
  'nfConntrackMax',
  'connectionsOpened',
  'connectionsOpenAtEnd',
  'pools',
] as const;

export type MetricRef =
  | { target: 'series'; series: string; figure: string; code?: string; flag?: string }
  | { target: 'controlPlane'; figure: (typeof CONTROL_PLANE_FIGURES)[number] }
  | { target: 'conntrack'; figure: (typeof CONNTRACK_FIGURES)[number] };

/**
 * Resolves a metric name against the scenario's services and workloads. Returns the reference,
 * or a message saying what is wrong. Workload names may contain dots: the longest name wins.
 */
export function parseMetric(name: string, services: readonly string[], workloads: readonly string[], windowed: boolean): MetricRef | string {
  if (name.startsWith('controlPlane.')) {
    const figure = name.slice('controlPlane.'.length);
    if (windowed) return 'controlPlane figures cover the whole run; remove from/to';
    if ((CONTROL_PLANE_FIGURES as readonly string[]).includes(figure)) return { target: 'controlPlane', figure: figure as MetricRef['figure'] & string } as MetricRef;
    return `unknown controlPlane figure '${figure}'${suggest(figure, CONTROL_PLANE_FIGURES) || ` (one of ${CONTROL_PLANE_FIGURES.join(', ')})`}`;
  }
  if (name.startsWith('conntrack.')) {
    const figure = name.slice('conntrack.'.length);
    if (windowed) return 'conntrack figures cover the whole run; remove from/to';
    if ((CONNTRACK_FIGURES as readonly string[]).includes(figure)) return { target: 'conntrack', figure: figure as (typeof CONNTRACK_FIGURES)[number] };
    return `unknown conntrack figure '${figure}'${suggest(figure, CONNTRACK_FIGURES) || ` (one of ${CONNTRACK_FIGURES.join(', ')})`}`;
  }
  const series = [...services, ...workloads].filter((s) => name.startsWith(`${s}.`)).sort((a, b) => b.length - a.length)[0];
  if (series === undefined) return `unknown metric '${name}': it starts with a service or workload name (${[...services, ...workloads].join(', ')}) or controlPlane or conntrack`;
  const figure = name.slice(series.length + 1);
  const isService = services.includes(series);
  const code = /^code\.([0-9]{1,3})$/.exec(figure);
  if (code) return { target: 'series', series, figure: 'code', code: code[1]! };
  const flag = /^flag\.([A-Z]+)$/.exec(figure);
  if (flag) {
    if (!(FLAG_NAMES as readonly string[]).includes(flag[1]!)) return `unknown response flag '${flag[1]}' (one of ${FLAG_NAMES.join(', ')})`;
    return { target: 'series', series, figure: 'flag', flag: flag[1]! };
  }
  const known: readonly string[] = isService ? [...SERIES_FIGURES, ...SERVICE_FIGURES] : SERIES_FIGURES;
  if (!known.includes(figure)) {
    const hint = suggest(figure, known) || ` (one of ${known.join(', ')}, code.NNN, flag.XX)`;
    return `unknown figure '${figure}' of ${isService ? 'service' : 'workload'} ${series}${hint}`;
  }
  if (windowed && !(WINDOW_FIGURES as readonly string[]).includes(figure)) {
    return `'${figure}' is not kept per interval, so it takes no from/to window (windowed figures: ${WINDOW_FIGURES.join(', ')}, code.NNN, flag.XX)`;
  }
  return { target: 'series', series, figure };
}
