import { runScenario, type RunResult, type RunSpec } from '../run/index.ts';
import type { Scenario } from '../scenario/index.ts';
import { liveUpdates, type LiveUpdate } from './live.ts';

/**
 * What a simulation worker does, the same in a Node worker thread and (later) a browser Web
 * Worker. Calls are coarse: one call runs one whole spec (a variant and a seed), so the
 * ~0.1 ms round trip of a worker message never matters (style-and-performance.md B2).
 */
export interface SimWorkerApi {
  /**
   * Runs one spec. `progress`, when given, is a shared Float64Array; the worker writes the
   * fraction of simulated time done into `progress[slot]`.
   */
  run(scenario: Scenario, spec: RunSpec, progress: Float64Array | undefined, slot: number): RunResult;
  /**
   * Runs one spec and streams its progress and each metrics interval as it closes to
   * `onUpdate` (the browser playground's live charts; a Web Worker has no SharedArrayBuffer
   * unless the page is cross-origin isolated, so progress travels as messages).
   */
  runLive(scenario: Scenario, spec: RunSpec, onUpdate: (u: LiveUpdate) => void): RunResult;
}

/** Events between live updates: about 20-40 updates a second of wall time at ~1.5M events/s. */
export const LIVE_PROGRESS_EVERY = 1 << 15;

export const workerApi: SimWorkerApi = {
  run(scenario, spec, progress, slot) {
    return runScenario(scenario, {
      seed: spec.seed,
      variant: spec.variant,
      ...(progress && {
        onProgress: (p) => {
          progress[slot] = p.simNs / p.durationNs;
        },
        progressEvery: 1 << 16,
      }),
    });
  },
  runLive(scenario, spec, onUpdate) {
    return runScenario(scenario, { seed: spec.seed, variant: spec.variant, onProgress: liveUpdates(onUpdate), progressEvery: LIVE_PROGRESS_EVERY });
  },
};

/** Every ArrayBuffer in a result, so it can be transferred instead of copied. */
export function transferablesOf(result: RunResult): ArrayBuffer[] {
  const ts = result.timeSeries;
  return [...Object.values(ts.columns), ...Object.values(ts.codes), ...Object.values(ts.flags)].map((a) => a.buffer as ArrayBuffer);
}
