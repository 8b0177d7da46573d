import { runScenario, type RunResult, type RunSpec } from '../run/index.ts';
import type { Scenario } from '../scenario/index.ts';

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
}

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
};

/** Every ArrayBuffer in a result, so it can be transferred instead of copied. */
export function transferablesOf(result: RunResult): ArrayBuffer[] {
  const ts = result.timeSeries;
  return [...Object.values(ts.columns), ...Object.values(ts.codes), ...Object.values(ts.flags)].map((a) => a.buffer as ArrayBuffer);
}
