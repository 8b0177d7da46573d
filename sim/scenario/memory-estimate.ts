/**
 * What a run will hold in memory, estimated from the scenario before it starts (the parts its
 * size fixes) so `limits.maxMemoryMb` can refuse a run that cannot fit instead of letting Node
 * die of an out-of-memory crash an hour in. sim/run adds what grows during the run (requests in
 * flight, pending events, connection pools and conntrack tables) and checks the total again as
 * it goes.
 */
import { longestWheelTimeoutNs } from '../mesh/linux/conntrack-tables.ts';
import { ExpiryWheel } from '../mesh/linux/expiry-wheel.ts';
import { hostTimeoutsNs, POD_NETNS_TIMEOUTS_NS } from '../mesh/linux/node-conntrack.ts';
import { FLAG_NAMES, HISTOGRAM_BUCKETS, INTERVAL_COLUMNS, NODE_SERIES, SERVICE_SERIES } from '../metrics/index.ts';
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
/**
 * Per calling pod and route destination beyond the clusters its calls name: the destination's
 * cluster, load balancer and circuit-breaker cell in that pod's sidecar. Measured at about 270
 * bytes (3,000 callers of a route with 64 destinations against one with 1); 320 errs high.
 */
const BYTES_PER_ROUTED_CLUSTER = 320;

export interface StaticMemoryEstimate {
  timeSeriesBytes: number;
  /** With connection tracking: the per-interval series of every node's table and every service's pools. */
  connectionSeriesBytes: number;
  /** With connection tracking: the conntrack expiry wheel (a run counts its actual tables instead). */
  expiryWheelBytes: number;
  histogramBytes: number;
  podBytes: number;
  /** The clusters routes add to their callers' sidecars (BYTES_PER_ROUTED_CLUSTER). */
  routedClusterBytes: number;
  totalBytes: number;
}

/** Intervals of the run's time series. */
export function intervalsOf(s: Pick<ScenarioParsed, 'metrics' | 'duration'>): number {
  return s.metrics.interval > 0 ? Math.max(1, Math.ceil(s.duration / s.metrics.interval)) : 1;
}

/**
 * Time series (every cell of every column), the connection series and the expiry wheel when
 * conntrack is on, histograms per series, and `peakPods` pods.
 */
export function staticMemoryEstimate(s: Pick<ScenarioParsed, 'services' | 'workload' | 'metrics' | 'duration' | 'cluster'>, peakPods: number): StaticMemoryEstimate {
  const series = Object.keys(s.services).length + s.workload.length;
  const intervals = intervalsOf(s);
  const columns = INTERVAL_COLUMNS.length + FLAG_NAMES.length + CODE_COLUMNS_ESTIMATE;
  const timeSeriesBytes = series * intervals * columns * 8;
  const tracked = s.cluster.conntrack.enabled;
  const connectionSeriesBytes = tracked ? intervals * (s.cluster.nodes * NODE_SERIES.length + Object.keys(s.services).length * SERVICE_SERIES.length) * 8 : 0;
  const wheelBytes = tracked ? expiryWheelBytes(s.cluster, peakPods) : 0;
  const histogramBytes = series * HISTOGRAMS_PER_SERIES * HISTOGRAM_BUCKETS * 8;
  const podBytes = peakPods * BYTES_PER_POD;
  const routedClusterBytes = routedClusters(s) * BYTES_PER_ROUTED_CLUSTER;
  return {
    timeSeriesBytes,
    connectionSeriesBytes,
    expiryWheelBytes: wheelBytes,
    histogramBytes,
    podBytes,
    routedClusterBytes,
    totalBytes: timeSeriesBytes + connectionSeriesBytes + wheelBytes + histogramBytes + podBytes + routedClusterBytes,
  };
}

/**
 * (calling pod, cluster) pairs that routes add: per caller (the ingress gateway for the workloads
 * through it, each service at its replicas), the destinations its routed calls reach beyond the
 * services it names.
 */
function routedClusters(s: Pick<ScenarioParsed, 'services' | 'workload'>): number {
  const extra = (targets: string[]) => {
    const named = new Set(targets);
    const reached = new Set(targets.flatMap((t) => [t, ...((Object.hasOwn(s.services, t) ? s.services[t]!.route : undefined) ?? []).map((d) => d.destination)]));
    return reached.size - named.size;
  };
  let pairs = extra(s.workload.filter((w) => w.via !== 'kube-proxy').map((w) => w.to));
  for (const svc of Object.values(s.services)) {
    const targets = [...svc.calls.flatMap((step) => ('parallel' in step ? step.parallel : [step])).map((c) => c.service), ...svc.app.startupCalls.map((c) => c.service)];
    pairs += svc.replicas * extra(targets);
  }
  return pairs;
}

/**
 * The conntrack expiry wheel's counts (linux/expiry-wheel.ts), sized as the tables size it: as
 * many slots as the longest timeout it holds spans, and a table per node and per pod (at least
 * 64 beyond the nodes), rounded up to a power of two as the tables grow. Small at the defaults
 * (1 s slots: 128 of them), but a wheelSlot of 1ms over 2,000 pods is 4 GiB. Pods that replace
 * others get tables of their own (pod ids are never reused), so a run with many replacements can
 * outgrow it; a run checks its actual tables as it goes (sim/run).
 * test/scenario/memory-estimate.test.ts checks it against the wheel a run builds.
 */
export function expiryWheelBytes(cluster: Pick<ScenarioParsed['cluster'], 'nodes' | 'conntrack'>, peakPods: number): number {
  const longestNs = longestWheelTimeoutNs(hostTimeoutsNs(cluster.conntrack.timeouts), POD_NETNS_TIMEOUTS_NS);
  const slots = ExpiryWheel.slotsFor(cluster.conntrack.wheelSlot, longestNs);
  let tables = 2;
  while (tables < Math.max(cluster.nodes + 64, cluster.nodes + peakPods)) tables *= 2;
  return ExpiryWheel.bytesFor(tables, slots);
}

export function formatMb(bytes: number): string {
  const mb = bytes / BYTES_PER_MB;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb).toLocaleString('en-US')} MB`;
}
