/**
 * meshsim's public library API. The CLI, the browser playground and users' own scripts all
 * call these same functions.
 *
 * This module is platform-neutral (no Node built-ins), so the browser playground can bundle it.
 * `sim/node.ts` (the package's main entry in Node) adds file loading.
 *
 * @example
 * ```ts
 * import { loadScenarioFile, runScenario } from 'meshsim';
 * const scenario = loadScenarioFile('scenarios/quickstart.yaml');
 * const { summary } = runScenario(scenario, { seed: 42 });
 * console.log(summary.services.map((s) => `${s.name} ${s.successRate}`));
 * ```
 * @packageDocumentation
 */
// ---- Scenarios: load and validate ----

export {
  /**
   * Parses and validates scenario YAML text. Applies every default, converts units (durations
   * to integer ns, rates to per second) and validates the scenario's variants too.
   * @throws ScenarioError listing every problem with file, line, column and path.
   */
  parseScenario,
  /** A scenario file's bytes as text; rejects (ScenarioError, at the line) bytes that are not UTF-8. */
  decodeScenarioBytes,
  /** Rejected scenario: `.problems` has one entry per problem; `.message` prints them all. */
  ScenarioError,
  /** Formats problems as `file:line:column: path: message` lines. */
  formatProblems,
  /** The JSON Schema (draft 2020-12) of the scenario format, for editors. */
  scenarioJsonSchema,
  /** Every explicit size limit a scenario is checked against. */
  HARD_LIMITS,
  /** "250ms" -> 250000000; undefined if malformed. */
  parseDurationNs,
  /** "2000/s" -> 2000; undefined if malformed. */
  parseRatePerS,
  /** A Scenario back to the format (units, every default filled in): YAML-ready data that parses back to the same Scenario. */
  printableScenario,
} from './scenario/index.ts';
export type { Scenario, ScenarioProblem, Variant, Workload, Service, Call, CallStep, TimelineEvent } from './scenario/index.ts';

// ---- Runs: one run, variants, replications ----

export {
  /**
   * Runs a scenario (or one of its variants, `{variant}`) with one seed, in process.
   * Same scenario + variant + seed => identical result, digest included.
   * @throws RunError when a run-time limit (limits.maxEvents, limits.maxInFlightRequests) is hit.
   */
  runScenario,
  /** The (variant, seed) runs a scenario asks for: seeds S..S+n-1, base then each variant. */
  expandRuns,
  /** The scenario a variant name stands for ("base" is the scenario itself). */
  scenarioFor,
  /** Merges one variant's runs over seeds into means with Student-t 95% intervals. */
  mergeReplications,
  /** A run stopped by a limit. */
  RunError,
  /** Name of the unmodified scenario among variants. */
  BASE_VARIANT,
  /** Formats an access-log record as an Envoy-style JSON line. */
  formatAccessLogLine,
  /** The summary.json document `meshsim run --out` writes (and `--json` prints). */
  summaryDocument,
  /** The timeseries.csv `meshsim run --out` writes. */
  timeSeriesCsv,
  /** timeseries.csv line by line (a long run's file can exceed the longest string V8 allows). */
  timeSeriesCsvLines,
  /** The conntrack.csv `meshsim run --out` writes, line by line; undefined without connection tracking. */
  conntrackCsvLines,
  /** Lines joined into strings of about 1 MiB: write chunks or Blob parts for a file too long for one string. */
  textBatches,
  MESHSIM_VERSION,
  /** A scenario's `expect:` list checked against its runs (what `meshsim check` reports). */
  evaluateExpectations,
} from './run/index.ts';
export type {
  RunOptions,
  Progress,
  RunResult,
  RunSummary,
  RunSpec,
  SeriesSummary,
  LatencySummary,
  TimelineLogEntry,
  MergedFigure,
  MergedSeries,
  MergedVariant,
  ExpectationResult,
  ControlPlaneSummary,
  DurationStats,
} from './run/index.ts';

// ---- Sweeps: grids x variants x seeds, shards, merge ----

export {
  /**
   * Parses a scenario for a sweep: its `sweep:` block (and `overrides`, as `meshsim sweep --set`)
   * expanded into grid points, each validated with its variants.
   * @throws ScenarioError naming the grid value that makes a point invalid.
   */
  parseSweep,
  /** Every combination of the axes' values, first axis slowest. */
  gridSettings,
} from './scenario/index.ts';
export type { SweepAxis, SweepPlan, SweepPoint, SweepOverrides } from './scenario/index.ts';
export {
  /** A sweep's runs in canonical order: grid point, then seed, then variant (base first). */
  expandSweepRuns,
  /** The runs of shard i of n (1-based): run k belongs to shard (k mod n) + 1. */
  shardRuns,
  shardOfRun,
  /** The scenario a sweep run simulates (its grid point's). */
  scenarioOfRun,
  /** What every shard of a sweep must agree on: grid, seeds, variants, fingerprint. */
  sweepHeader,
  runRecord,
  /** The tidy table (point x variant x series x metric, mean and 95% CI) and its digest. */
  sweepResult,
  sweepPartial,
  /** Merges shards' partial results into exactly the unsharded result (any order). */
  mergeSweepPartials,
  SweepError,
  SWEEP_METRICS,
} from './run/index.ts';
export type { ShardSpec, SweepHeader, SweepMetric, SweepPartial, SweepResult, SweepRow, SweepRunRecord, SweepRunSpec } from './run/index.ts';

// ---- Reports: self-contained HTML from results ----

export {
  /** The HTML report of runs (summary table, d3 charts over time); pass d3's UMD source and the chart scripts. */
  renderRunReport,
  /** The HTML report of a sweep (table, each metric against the swept parameter with CI bands). */
  renderSweepReport,
  /** The data the run report's charts draw. */
  runChartData,
} from './report/index.ts';
export type { ReportAssets, RunReportInput, RunChartData } from './report/index.ts';
export type { AccessLogRecord, AccessLogSink } from './mesh/index.ts';
export type { TimeSeries, SeriesSpec, IntervalColumn, ConnectionSeries, NodeSeriesName, ServiceSeriesName, StateName } from './metrics/index.ts';
export { INTERVAL_COLUMNS, FLAG_NAMES, flagsToString, NODE_SERIES, SERVICE_SERIES, STATE_SERIES, blankConnectionSeries, connectionColumns, busiestNodePeakAt, nodeDropsAt, nodeSumAt } from './metrics/index.ts';

// ---- Running in a browser Web Worker (the playground) ----

export {
  /** Call in a Web Worker's script: serves the simulation API (the CLI worker threads' API) over comlink. */
  exposeSimWorker,
  /** Wraps a Web Worker running exposeSimWorker(): live runs with streamed intervals, and stop. */
  connectSimWorker,
  /** A live run ended by the stop button. */
  StoppedError,
} from './worker/browser.ts';
export type { SimWorkerClient } from './worker/browser.ts';
export type { LiveUpdate, IntervalChunk, ConntrackChunk } from './worker/live.ts';

// ---- The CLI's number formats, so other front ends print the same figures ----

export { formatMs, formatPct, formatRate, formatCount, connectLatencyText, relativeDelta, pointsDelta, scenarioSize } from './cli/format.ts';

// ---- Envoy's arithmetic, as pure functions ----

export {
  /**
   * Envoy's priority load and panic decision (envoy.md §1.3-1.5): per-priority healthy and
   * degraded loads (percent) and panic flags, from host counts per priority. Reproduces
   * Envoy's own test tables exactly.
   */
  computePriorityLoad,
  /** Envoy's choosePriority(hash): which priority (and healthy/degraded list) a hash selects. */
  choosePriority,
  choicePriority,
  choiceIsDegraded,
  /** Whether one priority level is in panic: (healthy% + degraded%) < threshold, strict. */
  isHostSetInPanic,
  DEFAULT_PRIORITY_LOAD_CONFIG,
  /** One proxy's load balancer for one cluster: ROUND_ROBIN, LEAST_REQUEST (P2C) or RANDOM. */
  EnvoyLoadBalancer,
  NO_HOST,
  /** Envoy's host health flag bits, and the coarse health / exclusion they imply. */
  HealthFlag,
  coarseHealth,
  isExcluded,
} from './mesh/index.ts';
export type { PriorityLevel, PriorityLoad, PriorityLoadConfig, LbPolicy, ClusterHosts, PriorityHosts, ActiveRequests } from './mesh/index.ts';

// ---- The engine, for building other models on it ----

export { Scheduler, Rng, compileDistribution } from './engine/index.ts';
export type { DistributionSpec, RandomStream, Sampler, Handle, StopReason } from './engine/index.ts';
