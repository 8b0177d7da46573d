import type { ProxyConfigDump, ServiceHealthSummary } from '../mesh/index.ts';
import type { ConnectionsResult } from '../mesh/index.ts';
import type { ConnectionSeries } from '../metrics/index.ts';
import type { HistogramBins, SeriesKind, TimeSeries } from '../metrics/index.ts';

/** Latency figures in milliseconds; null where nothing was measured. */
export interface LatencySummary {
  meanMs: number | null;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  p999Ms: number | null;
  maxMs: number | null;
}

/** One service's (requests to it) or one workload's (requests it sent) results. */
export interface SeriesSummary {
  name: string;
  kind: SeriesKind;
  /** Requests that ended after the warm-up. */
  requests: number;
  successes: number;
  /** successes / requests; null with no requests. */
  successRate: number | null;
  /** Requests per simulated second over the measured window (after warm-up). */
  ratePerS: number;
  latency: LatencySummary;
  /** Time spent in the app's queue before work began (services only). */
  queueWait: LatencySummary | null;
  /** By status code ("0" is a request that got no response: its caller went away). */
  codes: Record<string, number>;
  /** By Envoy response flag. */
  flags: Record<string, number>;
  /** Load-balancer picks made in panic mode (Envoy's lb_healthy_panic). */
  panicPicks: number;
  /** Services only (as the caller): calls refused by the pod's own sidecar while the pod was starting, and after its sidecar exited. */
  startupFailures: number;
  shutdownFailures: number;
  /** Services only: app container restarts after a crash (a required startup call failed). */
  appRestarts: number;
  startedTotal: number;
  inFlightAtEnd: number;
  /**
   * Retries and amplification (services only; 0/null for workloads), over the whole run:
   * upstream attempts to its pods, Envoy retries (upstream_rq_retry), retries refused by the
   * retries circuit breaker or budget (upstream_rq_retry_overflow), the calling apps' own
   * retries; attempts per request at the sidecar; its nominal load (what the call graph puts on
   * it with every call made once) and attempts over it (amplification); hops from the ingress.
   */
  attempts: number;
  retries: number;
  retryOverflow: number;
  appRetries: number;
  attemptsPerRequest: number | null;
  nominalRequests: number;
  amplification: number | null;
  depth: number;
  /**
   * A routed service or one of its route's destinations (services only): its requests over those
   * of the whole group (after the warm-up), the split the weights and kube-proxy made together of
   * the requests addressed to the routed service; else null.
   */
  share: number | null;
}

export interface TimelineLogEntry {
  atS: number;
  action: string;
  description: string;
}

/** Percentiles of a set of durations, in ms; null when empty. */
export interface DurationStats {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/** One istiod push: what changed and how long until its proxies had it (from the first pod change behind it). */
export interface PushSummary extends DurationStats {
  version: number;
  atS: number;
  services: string[];
  /** Proxies that were to receive it. */
  proxies: number;
  /** Proxies still without it when the run ended. */
  unconverged: number;
}

export interface ControlPlaneSummary {
  pushes: number;
  /** Over every (push, proxy): pod change to the proxy applying it (istiod's pilot_proxy_convergence_time, plus the EndpointSlice path). */
  convergence: DurationStats;
  /** Per push, the time until its last proxy converged. */
  lastProxy: DurationStats;
  /** New proxies: asking for their first config until applying it. */
  initialConfig: DurationStats;
  perPush: PushSummary[];
}

/** Every proxy's config status at one time (`meshsim run --proxy-status T`). */
export interface ProxyStatusSummary {
  atS: number;
  latestVersion: number;
  rows: { pod: string; service: string; status: string; version: number; behind: boolean; appliedAtS: number }[];
}

/** A managed service's host health: the world's counters plus the panic share of its picks. */
export interface HealthSummary extends Omit<ServiceHealthSummary, 'service'> {
  /** Host picks (one per attempt) made in panic, over all attempts to the service (whole run). */
  panicShare: number | null;
  /** Over the run's intervals: the lowest per-proxy healthy-host minimum, and the most undead entries. */
  healthyHostsMin: number | null;
  undeadHostsMax: number;
}
/** summary.conntrack: the run's connection and conntrack figures (mesh/connections.ts), without the series. */
export type ConntrackSummary = Omit<ConnectionsResult, 'series'>;

export interface RunSummary {
  scenario: string;
  variant: string;
  seed: number;
  durationS: number;
  warmupS: number;
  services: SeriesSummary[];
  workloads: SeriesSummary[];
  timeline: TimelineLogEntry[];
  events: number;
  podsCreated: number;
  /** meshsim's estimate of the memory the run held at its peak, in MiB (checked against limits.maxMemoryMb). */
  memoryEstimateMb: number;
  /** Ready endpoints per service at the end. */
  readyAtEnd: Record<string, number>;
  controlPlane: ControlPlaneSummary;
  /** Per service with rollouts: how long each finished rollout took, in seconds. */
  rollouts: Record<string, number[]>;
  proxyStatus: ProxyStatusSummary[];
  /** Per service whose callers keep host health (active HC or outlier detection). */
  health: Record<string, HealthSummary>;
  /** `--proxy-config` views, in the order asked. */
  proxyConfigs: ProxyConfigDump[];
  /** Retry amplification per depth of the call graph (1 = the workloads' targets). */
  amplificationByDepth: { depth: number; attempts: number; nominalRequests: number; amplification: number | null }[];
  /** Connections and conntrack (cluster.conntrack.enabled), else null. */
  conntrack: ConntrackSummary | null;
  /** Digest of the engine's event history. */
  eventDigest: string;
  /** Digest of this summary (minus the digest itself) and the time series. */
  digest: string;
}

/** Everything one run produces. Plain data and typed arrays: it crosses worker boundaries as is. */
export interface RunResult {
  summary: RunSummary;
  timeSeries: TimeSeries;
  /**
   * Per series (in timeSeries.series order), the latency distribution after the warm-up in
   * coarse log bins, for plotting (the HTML report). Derived from the same histograms as the
   * summary's percentiles, so it is not part of the digest.
   */
  latencyBins: HistogramBins[];
  /** Per node and service, per interval (summary.conntrack's series); only with connection tracking. */
  connectionSeries?: ConnectionSeries;
  /** With checkInvariants: the check points at which every invariant checker ran and held. */
  invariantCheckPoints?: number;
}

/** One run to do: a variant of the scenario ("base" for the scenario itself) with a seed. */
export interface RunSpec {
  variant: string;
  seed: number;
}

/** Name of the unmodified scenario among the variants. */
export const BASE_VARIANT = 'base';
