/**
 * Time-bucketed request metrics for a set of named series (one per service, one per workload).
 * Everything per interval lives in Float64Arrays indexed [series * intervals + interval], so a
 * run's time series is a handful of typed arrays that transfer to the main thread without copying.
 */
import { spreadOverRouteGroups } from './route-groups.ts';
import { Histogram } from './histogram.ts';
import { FLAG_NAMES, ResponseFlag } from './response-flags.ts';

export type SeriesKind = 'service' | 'workload';

export interface SeriesSpec {
  name: string;
  kind: SeriesKind;
}

/**
 * Per-interval columns. Latency columns are in milliseconds; NaN where nothing ended. The pods
 * columns are a service's pods by phase at the interval's end (0 for workloads). The health
 * columns, for services whose callers keep host health (active HC or outlier detection), are the
 * hosts each calling proxy's LB counts as healthy at the interval's end (p50 and min over those
 * proxies) and the host entries, summed over proxies, whose pod is gone ("undead").
 */
export const INTERVAL_COLUMNS = [
  'started',
  'ended',
  'success',
  'inFlight',
  'latencyMeanMs',
  'p50Ms',
  'p90Ms',
  'p99Ms',
  'p999Ms',
  'queueWaitMeanMs',
  'panicPicks',
  'podsStarting',
  'podsReady',
  'podsTerminating',
  'healthyHostsP50',
  'healthyHostsMin',
  'undeadHosts',
  'attempts',
  'retries',
  'retryOverflow',
  'appRetries',
  'amplification',
] as const;
export type IntervalColumn = (typeof INTERVAL_COLUMNS)[number];

export interface TimeSeries {
  intervalNs: number;
  intervals: number;
  series: SeriesSpec[];
  columns: Record<IntervalColumn, Float64Array>;
  /** Response counts by status code (string keys, e.g. "503"), per cell. */
  codes: Record<string, Float64Array>;
  /** Response counts by Envoy flag name, per cell. */
  flags: Record<string, Float64Array>;
}

export interface SeriesTotals {
  name: string;
  kind: SeriesKind;
  /** Requests that ended at or after the warm-up. */
  requests: number;
  successes: number;
  /** Count by status code (a Map: integer keys on an object are slow and order-sensitive). */
  codes: Map<number, number>;
  flags: Record<string, number>;
  latency: Histogram;
  queueWait: Histogram;
  panicPicks: number;
  /** Services only, as the caller: outbound calls refused by the pod's own sidecar while the pod was starting, or after its sidecar exited. */
  startupFailures: number;
  shutdownFailures: number;
  /** Services only: app containers restarted after crashing (CrashLoopBackOff). */
  appRestarts: number;
  /** Services only, over the whole run (warm-up included, like startedTotal): upstream attempts sent to its pods (envoy.md §4.1: first tries and retries). */
  attempts: number;
  /** Services only: Envoy retries of requests to it (upstream_rq_retry). */
  retries: number;
  /** Services only: retries refused by the retries circuit breaker or budget (upstream_rq_retry_overflow). */
  retryOverflow: number;
  /** Services only: tries the calling apps' own clients repeated (app-level retries). */
  appRetries: number;
  /** Requests started over the whole run, and those still in flight at its end. */
  startedTotal: number;
  inFlightAtEnd: number;
}

const PERCENTILES = [0.5, 0.9, 0.99, 0.999];

export class MetricsRecorder {
  readonly intervalNs: number;
  readonly intervals: number;
  private readonly series: SeriesSpec[];
  private readonly warmupNs: number;
  private readonly columns: Record<IntervalColumn, Float64Array>;
  /** Per status code (0..999), its time-series column, created on first use. */
  private readonly codeCols: (Float64Array | undefined)[] = [];
  private readonly flagCols: Float64Array[];
  private readonly current: Histogram[];
  private readonly queueWaitSum: Float64Array;
  private readonly queueWaitCount: Float64Array;
  private readonly totals: SeriesTotals[];
  private closed = 0; // intervals finalised so far

  constructor(series: SeriesSpec[], durationNs: number, intervalNs: number, warmupNs: number) {
    this.series = series;
    this.intervalNs = intervalNs;
    this.intervals = Math.max(1, Math.ceil(durationNs / intervalNs));
    this.warmupNs = warmupNs;
    const cells = series.length * this.intervals;
    this.columns = Object.fromEntries(INTERVAL_COLUMNS.map((c) => [c, new Float64Array(cells)])) as Record<IntervalColumn, Float64Array>;
    this.flagCols = FLAG_NAMES.map(() => new Float64Array(cells));
    this.current = series.map(() => new Histogram());
    this.queueWaitSum = new Float64Array(series.length);
    this.queueWaitCount = new Float64Array(series.length);
    this.totals = series.map((s) => ({
      name: s.name,
      kind: s.kind,
      requests: 0,
      successes: 0,
      codes: new Map(),
      flags: {},
      latency: new Histogram(),
      queueWait: new Histogram(),
      panicPicks: 0,
      startupFailures: 0,
      shutdownFailures: 0,
      appRestarts: 0,
      attempts: 0,
      retries: 0,
      retryOverflow: 0,
      appRetries: 0,
      startedTotal: 0,
      inFlightAtEnd: 0,
    }));
  }

  private cell(series: number, timeNs: number): number {
    const i = Math.min(this.intervals - 1, Math.floor(timeNs / this.intervalNs));
    return series * this.intervals + i;
  }

  started(series: number, nowNs: number): void {
    this.columns.started[this.cell(series, nowNs)]! += 1;
    this.totals[series]!.startedTotal++;
  }

  /** A request to `series` ended with `code` (0 when no response was sent) and Envoy flag bits. */
  ended(series: number, startNs: number, endNs: number, code: number, flags: number): void {
    const cell = this.cell(series, endNs);
    const latency = endNs - startNs;
    const success = code >= 200 && code < 300;
    this.columns.ended[cell]! += 1;
    if (success) this.columns.success[cell]! += 1;
    this.columns.latencyMeanMs[cell]! += latency; // a sum until the interval closes
    this.current[series]!.record(latency);
    this.codeColumn(code)[cell]! += 1;
    if (flags !== 0) this.countFlags(cell, flags);
    if (endNs < this.warmupNs) return;
    const t = this.totals[series]!;
    t.requests++;
    if (success) t.successes++;
    // NOTE (hot path): whole intervals after the warm-up are merged into the summary histogram
    // when they close; only the interval that straddles the warm-up records one by one.
    if (this.intervalStartNs(endNs) < this.warmupNs) t.latency.record(latency);
    t.codes.set(code, (t.codes.get(code) ?? 0) + 1);
    if (flags !== 0) for (const name of FLAG_NAMES) if (flags & ResponseFlag[name]) t.flags[name] = (t.flags[name] ?? 0) + 1;
  }

  private intervalStartNs(timeNs: number): number {
    return Math.min(this.intervals - 1, Math.floor(timeNs / this.intervalNs)) * this.intervalNs;
  }

  /** Time a request waited in an app's queue before work on it began. */
  queueWait(series: number, nowNs: number, waitNs: number): void {
    this.queueWaitSum[series]! += waitNs;
    this.queueWaitCount[series]! += 1;
    if (nowNs >= this.warmupNs) this.totals[series]!.queueWait.record(waitNs);
  }

  panicPick(series: number, nowNs: number): void {
    this.columns.panicPicks[this.cell(series, nowNs)]! += 1;
    if (nowNs >= this.warmupNs) this.totals[series]!.panicPicks++;
  }

  /** An upstream attempt to `series` was dispatched (the first try or a retry). */
  attempt(series: number, nowNs: number): void {
    this.columns.attempts[this.cell(series, nowNs)]! += 1;
    this.totals[series]!.attempts++;
  }

  /** Envoy scheduled a retry of a request to `series`. */
  retry(series: number, nowNs: number): void {
    this.columns.retries[this.cell(series, nowNs)]! += 1;
    this.totals[series]!.retries++;
  }

  /** A retry was wanted but the retries circuit breaker (max_retries or the budget) said no. */
  retryOverflow(series: number, nowNs: number): void {
    this.columns.retryOverflow[this.cell(series, nowNs)]! += 1;
    this.totals[series]!.retryOverflow++;
  }

  /** A calling app's own client tried a call to `series` again. */
  appRetry(series: number, nowNs: number): void {
    this.columns.appRetries[this.cell(series, nowNs)]! += 1;
    this.totals[series]!.appRetries++;
  }

  /** Requests of a series started over the run so far (warm-up included). */
  startedSoFar(series: number): number {
    return this.totals[series]!.startedTotal;
  }

  /** Requests of a series ended over the run so far (warm-up included), from the interval columns. */
  endedSoFar(series: number): number {
    return this.sumColumn(this.columns.ended, series, 0, this.intervals);
  }

  /** Requests of a series started in intervals [from, to). */
  startedIn(series: number, from: number, to: number): number {
    return this.sumColumn(this.columns.started, series, from, to);
  }

  private sumColumn(col: Float64Array, series: number, from: number, to: number): number {
    let n = 0;
    for (let i = Math.max(0, from); i < Math.min(this.intervals, to); i++) n += col[series * this.intervals + i]!;
    return n;
  }

  startupFailure(series: number): void {
    this.totals[series]!.startupFailures++;
  }

  shutdownFailure(series: number): void {
    this.totals[series]!.shutdownFailures++;
  }

  appRestart(series: number): void {
    this.totals[series]!.appRestarts++;
  }

  /** A service's pods by phase for the interval about to close (call before closeInterval). */
  podCensus(series: number, starting: number, ready: number, terminating: number): void {
    if (this.closed >= this.intervals) return;
    const cell = series * this.intervals + this.closed;
    this.columns.podsStarting[cell] = starting;
    this.columns.podsReady[cell] = ready;
    this.columns.podsTerminating[cell] = terminating;
  }

  /** A managed service's host-health census for the interval about to close. */
  healthCensus(series: number, healthyP50: number, healthyMin: number, undead: number): void {
    if (this.closed >= this.intervals) return;
    const cell = series * this.intervals + this.closed;
    this.columns.healthyHostsP50[cell] = healthyP50;
    this.columns.healthyHostsMin[cell] = healthyMin;
    this.columns.undeadHosts[cell] = undead;
  }

  /**
   * Closes the interval that ends at `nowNs`; `inFlight[s]` is the number of requests of series
   * s still open, counted by the caller from its request table (not derived from these counters,
   * so conservation checks are real).
   */
  closeInterval(inFlight: ArrayLike<number>): void {
    const i = this.closed++;
    if (i >= this.intervals) return;
    this.fillAmplification(i);
    this.series.forEach((_, s) => {
      const cell = s * this.intervals + i;
      const h = this.current[s]!;
      const c = this.columns;
      c.inFlight[cell] = inFlight[s]!;
      c.latencyMeanMs[cell] = h.count > 0 ? c.latencyMeanMs[cell]! / h.count / 1e6 : NaN;
      const [p50, p90, p99, p999] = h.percentiles(PERCENTILES);
      c.p50Ms[cell] = p50! / 1e6;
      c.p90Ms[cell] = p90! / 1e6;
      c.p99Ms[cell] = p99! / 1e6;
      c.p999Ms[cell] = p999! / 1e6;
      if (i * this.intervalNs >= this.warmupNs) this.totals[s]!.latency.merge(h);
      const n = this.queueWaitCount[s]!;
      c.queueWaitMeanMs[cell] = n > 0 ? this.queueWaitSum[s]! / n / 1e6 : NaN;
      this.queueWaitSum[s] = 0;
      this.queueWaitCount[s] = 0;
      h.reset();
    });
  }

  /** Intervals closed so far: their cells in `liveTimeSeries()` are final. */
  get closedIntervals(): number {
    return Math.min(this.closed, this.intervals);
  }

  /**
   * The time series as recorded so far, sharing this recorder's arrays (no copy): cells of the
   * first `closedIntervals` intervals are final, later ones are still being counted. For live
   * views (the playground streams closed intervals while a run goes on).
   */
  liveTimeSeries(): TimeSeries {
    const codes: Record<string, Float64Array> = {};
    this.codeCols.forEach((col, code) => {
      if (col) codes[String(code)] = col;
    });
    const flags: Record<string, Float64Array> = {};
    FLAG_NAMES.forEach((name, k) => (flags[name] = this.flagCols[k]!));
    return { intervalNs: this.intervalNs, intervals: this.intervals, series: this.series, columns: this.columns, codes, flags };
  }

  /**
   * The call graph's reach (amplification.ts): `reach[w][s]` expected calls to service `s` per
   * request of workload `w`, for the `amplification` column: attempts to a service in an interval
   * over its nominal load then (the workloads' requests started in the interval carried down the
   * call graph); NaN where that is 0. Filled as each interval closes, so live views see it too.
   */
  setReach(services: number, workloadBase: number, reach: readonly Float64Array[], routeGroups: readonly (readonly number[])[] = []): void {
    this.reach = { services, workloadBase, reach, routeGroups, nominal: new Float64Array(services) };
  }

  private reach: { services: number; workloadBase: number; reach: readonly Float64Array[]; routeGroups: readonly (readonly number[])[]; nominal: Float64Array } | undefined;

  /** `routeGroups`: each route's members share their nominal load as their requests did (route-groups.ts). */
  private fillAmplification(i: number): void {
    if (!this.reach) return;
    const { services, workloadBase, reach, routeGroups, nominal } = this.reach;
    const n = this.intervals;
    const c = this.columns;
    for (let s = 0; s < services; s++) {
      let x = 0;
      for (let w = 0; w < reach.length; w++) x += reach[w]![s]! * c.started[(workloadBase + w) * n + i]!;
      nominal[s] = x;
    }
    if (routeGroups.length > 0) spreadOverRouteGroups(nominal, (s) => c.started[s * n + i]!, routeGroups);
    for (let s = 0; s < services; s++) c.amplification[s * n + i] = nominal[s]! > 0 ? c.attempts[s * n + i]! / nominal[s]! : NaN;
  }

  /** Closes any remaining interval and returns the time series and per-series totals. */
  finish(inFlight: ArrayLike<number>): { timeSeries: TimeSeries; totals: SeriesTotals[] } {
    while (this.closed < this.intervals) this.closeInterval(inFlight);
    this.totals.forEach((t, s) => (t.inFlightAtEnd = inFlight[s]!));
    return { timeSeries: this.liveTimeSeries(), totals: this.totals };
  }

  private codeColumn(code: number): Float64Array {
    return (this.codeCols[code] ??= new Float64Array(this.series.length * this.intervals));
  }

  private countFlags(cell: number, flags: number): void {
    for (let k = 0; k < FLAG_NAMES.length; k++) if (flags & ResponseFlag[FLAG_NAMES[k]!]) this.flagCols[k]![cell]! += 1;
  }
}
