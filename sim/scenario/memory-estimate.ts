/**
 * What a run will hold in memory, estimated from the scenario before it starts (the parts its
 * size fixes) so `limits.maxMemoryMb` can refuse a run that cannot fit instead of letting Node
 * die of an out-of-memory crash an hour in. sim/run adds what grows during the run (requests in
 * flight, pending events) and checks the total again as it goes.
 */
import { FLAG_NAMES, HISTOGRAM_BUCKETS, INTERVAL_COLUMNS } from '../metrics/index.ts';
import type { ScenarioParsed } from './schema.ts';

export const BYTES_PER_MB = 1024 * 1024;

/** Status-code columns a run typically fills (200, 500, 503, 504, 0); each is one more column. */
const CODE_COLUMNS_ESTIMATE = 5;
/** Per series: the current interval's histogram and the run's latency and queue-wait histograms. */
const HISTOGRAMS_PER_SERIES = 3;
/**
 * Per pod: its rows in the pod table, its name, and an Envoy load balancer per upstream it
 * calls (a few hundred bytes each). Measured at about 0.3 KiB on scale-4000-pods.yaml; 1 KiB errs high.
 */
const BYTES_PER_POD = 1024;

export interface StaticMemoryEstimate {
  timeSeriesBytes: number;
  histogramBytes: number;
  podBytes: number;
  totalBytes: number;
}

/** Time series (every cell of every column), histograms per series, and `peakPods` pods. */
export function staticMemoryEstimate(s: Pick<ScenarioParsed, 'services' | 'workload' | 'metrics' | 'duration'>, peakPods: number): StaticMemoryEstimate {
  const series = Object.keys(s.services).length + s.workload.length;
  const intervals = s.metrics.interval > 0 ? Math.max(1, Math.ceil(s.duration / s.metrics.interval)) : 1;
  const columns = INTERVAL_COLUMNS.length + FLAG_NAMES.length + CODE_COLUMNS_ESTIMATE;
  const timeSeriesBytes = series * intervals * columns * 8;
  const histogramBytes = series * HISTOGRAMS_PER_SERIES * HISTOGRAM_BUCKETS * 8;
  const podBytes = peakPods * BYTES_PER_POD;
  return { timeSeriesBytes, histogramBytes, podBytes, totalBytes: timeSeriesBytes + histogramBytes + podBytes };
}

export function formatMb(bytes: number): string {
  const mb = bytes / BYTES_PER_MB;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb).toLocaleString('en-US')} MB`;
}
