import { EngineError, formatDurationNs } from '../engine/index.ts';
import { RunLimitError, World, type AccessLogSink, type LiveConnections, type PodEventSink, type ProxyConfigRequest } from '../mesh/index.ts';
import { RunLimits } from './run-limits.ts';
import type { TimeSeries } from '../metrics/index.ts';
import type { Scenario } from '../scenario/index.ts';
import { BASE_VARIANT, type RunResult, type RunSpec } from './result.ts';
import { buildRunResult } from './summary.ts';

export interface Progress {
  events: number;
  simNs: number;
  durationNs: number;
  /** Metrics intervals closed so far (final in `timeSeriesSoFar()`). */
  intervalsClosed: number;
  /** The time series recorded so far, sharing the run's arrays: copy what you keep. */
  timeSeriesSoFar: () => TimeSeries;
  /** With connection tracking: its series so far (same sharing rule) and nf_conntrack_max; else undefined. */
  connectionsSoFar: () => LiveConnections | undefined;
}

export interface RunOptions {
  /** Defaults to the scenario's seed. */
  seed?: number;
  /** "base" (default) or the name of one of the scenario's variants. */
  variant?: string;
  /** One record per finished request. */
  accessLog?: AccessLogSink;
  /** Called every `progressEvery` events (deterministic: by event count, never by wall time). */
  onProgress?: (p: Progress) => void;
  progressEvery?: number;
  /** Receives every pod lifecycle step: (time, pod, "app started" | "proxy LIVE" | "SIGTERM app" | ...). */
  podEvents?: PodEventSink;
  /** Record every proxy's config status at these times (`istioctl proxy-status`). */
  proxyStatusAtNs?: readonly number[];
  /** Check the world's invariants after every timeline action and at the end (throws InvariantError). */
  checkInvariants?: boolean;
  /** Record one proxy's view of one cluster at these times (`istioctl proxy-config endpoint`). */
  proxyConfigAt?: readonly ProxyConfigRequest[];
}

/** A run stopped for a reason the user can act on: a limit, or a model invariant (a bug). */
export class RunError extends Error {
  override name = 'RunError';
}

/** The scenario a variant name stands for. */
export function scenarioFor(scenario: Scenario, variant: string): Scenario {
  if (variant === BASE_VARIANT) return scenario;
  const v = scenario.variants.find((x) => x.name === variant);
  if (!v) throw new RunError(`unknown variant '${variant}' (variants: ${[BASE_VARIANT, ...scenario.variants.map((x) => x.name)].join(', ')})`);
  return v.scenario;
}

/**
 * Runs one scenario (or one of its variants) with one seed, in process. Deterministic: the
 * same scenario, variant and seed give the same result, digest included.
 */
export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const variant = options.variant ?? BASE_VARIANT;
  const target = scenarioFor(scenario, variant);
  const seed = options.seed ?? scenario.seed;
  const where = `${scenario.name}${variant === BASE_VARIANT ? '' : `/${variant}`} seed=${seed}`;
  let world: World | undefined;
  try {
    world = new World(target, seed, {
      ...(options.accessLog && { accessLog: options.accessLog }),
      ...(options.proxyStatusAtNs && { proxyStatusAtNs: options.proxyStatusAtNs }),
      ...(options.proxyConfigAt && { proxyConfigAt: options.proxyConfigAt }),
      ...(options.podEvents && { podEvents: options.podEvents }),
      ...(options.checkInvariants && { checkInvariants: true }),
    });
    const limits = new RunLimits(target);
    const every = options.onProgress ? Math.max(1, options.progressEvery ?? 1 << 18) : Infinity;
    let nextProgress = every;
    for (;;) {
      const fired = world.sim.eventsFired;
      const reason = world.runUntil(target.duration, Math.min(limits.nextChunk(fired), nextProgress - fired));
      limits.check(world, reason);
      if (reason !== 'budget' || world.sim.eventsFired >= nextProgress) {
        const w = world;
        options.onProgress?.({
          events: w.sim.eventsFired,
          simNs: w.sim.nowNs,
          durationNs: target.duration,
          intervalsClosed: w.ctx.metrics.closedIntervals,
          timeSeriesSoFar: () => w.ctx.metrics.liveTimeSeries(),
          connectionsSoFar: () => w.connections?.live(),
        });
        nextProgress = world.sim.eventsFired + every;
      }
      if (reason !== 'budget') break;
    }
    return buildRunResult(target, variant, seed, world.finish(), limits.peakBytes);
  } catch (e) {
    if (e instanceof RunLimitError || e instanceof EngineError) {
      const when = !world ? '' : world.sim.nowNs >= target.duration ? 'stopped at the end of the run: ' : `stopped at ${formatDurationNs(world.sim.nowNs)} of ${formatDurationNs(target.duration)}: `;
      throw new RunError(`${where}: ${when}${e.message}`, { cause: e });
    }
    throw e;
  }
}

/** Every run a scenario asks for: each seed, and for each seed the base and every variant. */
export function expandRuns(scenario: Scenario, replications: number): RunSpec[] {
  const specs: RunSpec[] = [];
  for (let i = 0; i < replications; i++) {
    const seed = scenario.seed + i;
    specs.push({ variant: BASE_VARIANT, seed });
    for (const v of scenario.variants) specs.push({ variant: v.name, seed });
  }
  return specs;
}
