/**
 * Every size a scenario can ask for has an explicit ceiling, so a typo (replicas: 4000000) or an
 * impossible run (10M requests/s for a day) is refused with a message before anything runs,
 * instead of exhausting memory an hour in.
 */
export const HARD_LIMITS = {
  /** Longest simulated run. */
  durationNs: 24 * 3600 * 1e9,
  nodes: 10_000,
  services: 2_000,
  replicasPerService: 20_000,
  /** Peak pods across all services (initial replicas and every scale target). */
  pods: 50_000,
  callSteps: 64,
  callsPerStep: 64,
  workloads: 100,
  closedLoopClients: 1_000_000,
  /** Open-loop rate per workload, per second. */
  ratePerS: 10_000_000,
  timelineEvents: 10_000,
  variants: 16,
  /** Sweeps: paths in a grid, values per path, grid points, seeds per point, runs in all. */
  sweepPaths: 16,
  sweepValuesPerPath: 1_000,
  sweepPoints: 10_000,
  sweepSeeds: 10_000,
  sweepRuns: 1_000_000,
  /** services x intervals: the time series is about 40 numbers per cell. */
  timeSeriesCells: 5_000_000,
  /** With connection tracking, nodes x intervals: the per-node conntrack series holds NODE_SERIES.length numbers per cell (limits.maxMemoryMb counts them). */
  connectionSeriesCells: 50_000_000,
  maxEvents: 100_000_000_000,
  maxInFlightRequests: 50_000_000,
  maxMemoryMb: 1_048_576,
  maxAccessLogMb: 1_048_576,
} as const;

/**
 * Events per request hop, for estimating a run's size before it starts: send, arrive, finish
 * service, respond (and a timer). Measured on the shipped scenarios at 3.5-5; 6 errs high.
 */
export const EVENTS_PER_HOP_ESTIMATE = 6;
