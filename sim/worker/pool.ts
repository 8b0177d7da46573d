import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { RunError, type RunResult, type RunSpec } from '../run/index.ts';
import type { Scenario } from '../scenario/index.ts';
import type { SimWorkerApi } from './api.ts';

/** Default worker count: one core stays free for the CLI and the merge (at least 1). */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism() - 1);
}

export interface PoolProgress {
  /** Runs finished. */
  done: number;
  total: number;
  /** Total progress in runs, counting partial runs (0..total). */
  fraction: number;
}

export interface PoolOptions {
  workers?: number;
  /** Called about 10 times a second while runs are in progress. */
  onProgress?: (p: PoolProgress) => void;
}

/**
 * Runs specs in worker threads. Each worker pulls the next spec (work stealing over a fixed,
 * sorted list); results land at their spec's index, so the output never depends on which
 * worker finished first. Workers are terminated at the end, on success or failure.
 */
export async function runInWorkers(scenario: Scenario, specs: readonly RunSpec[], options: PoolOptions = {}): Promise<RunResult[]> {
  const count = Math.max(1, Math.min(options.workers ?? defaultWorkerCount(), specs.length));
  const shared = new Float64Array(new SharedArrayBuffer(8 * count));
  const results: RunResult[] = new Array(specs.length);
  const workers = Array.from({ length: count }, () => new Worker(new URL('./boot.js', import.meta.url)));
  let next = 0;
  let done = 0;
  const ticker = options.onProgress
    ? setInterval(() => {
        let partial = 0;
        for (let i = 0; i < count; i++) partial += shared[i]!;
        options.onProgress!({ done, total: specs.length, fraction: Math.min(specs.length, done + partial) });
      }, 100)
    : undefined;
  try {
    await Promise.all(
      workers.map(async (worker, slot) => {
        const api = Comlink.wrap<SimWorkerApi>(nodeEndpoint(worker));
        for (let i = next++; i < specs.length; i = next++) {
          shared[slot] = 0;
          results[i] = await api.run(scenario, specs[i]!, shared, slot).catch(rethrowTyped);
          shared[slot] = 0;
          done++;
        }
        api[Comlink.releaseProxy]();
      }),
    );
  } finally {
    if (ticker) clearInterval(ticker);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  options.onProgress?.({ done, total: specs.length, fraction: specs.length });
  return results;
}

/**
 * comlink re-creates an error thrown in a worker as a plain Error (name and message kept, class
 * lost). A run that hit a limit must stay a RunError, so callers (the CLI's exit code 3) can
 * tell it from a bug.
 */
function rethrowTyped(e: unknown): never {
  if (e instanceof Error && !(e instanceof RunError) && e.name === 'RunError') throw new RunError(e.message, { cause: e });
  throw e;
}
