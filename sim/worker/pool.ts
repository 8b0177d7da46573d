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
  return runJobsInWorkers(specs.map((spec) => ({ scenario, spec })), options, (r) => r);
}

/** One run of a (possibly different) scenario: a sweep's grid points each have their own. */
export interface WorkerJob {
  scenario: Scenario;
  spec: RunSpec;
}

/**
 * Runs jobs in worker threads, like runInWorkers; `keep` reduces each result as it arrives (a
 * sweep keeps only summaries, not every run's time series).
 */
export async function runJobsInWorkers<T>(jobs: readonly WorkerJob[], options: PoolOptions, keep: (r: RunResult) => T): Promise<T[]> {
  const count = Math.max(1, Math.min(options.workers ?? defaultWorkerCount(), jobs.length));
  const shared = new Float64Array(new SharedArrayBuffer(8 * count));
  const results: T[] = new Array(jobs.length);
  const workers = Array.from({ length: count }, () => new Worker(new URL('./boot.js', import.meta.url)));
  let next = 0;
  let done = 0;
  const ticker = options.onProgress
    ? setInterval(() => options.onProgress!({ done, total: jobs.length, fraction: Math.min(jobs.length, done + partialOf(shared, count)) }), 100)
    : undefined;
  try {
    await Promise.all(
      workers.map(async (worker, slot) => {
        const api = Comlink.wrap<SimWorkerApi>(nodeEndpoint(worker));
        for (let i = next++; i < jobs.length; i = next++) {
          shared[slot] = 0;
          const job = jobs[i]!;
          results[i] = keep(await api.run(job.scenario, job.spec, shared, slot).catch(rethrowTyped));
          shared[slot] = 0;
          done++;
          // Also on every finished run, not only on the ticker: a log line per tenth of the runs never skips one.
          options.onProgress?.({ done, total: jobs.length, fraction: Math.min(jobs.length, done + partialOf(shared, count)) });
        }
        api[Comlink.releaseProxy]();
      }),
    );
  } finally {
    if (ticker) clearInterval(ticker);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  options.onProgress?.({ done, total: jobs.length, fraction: jobs.length });
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

/** The fractions of the runs in progress, summed. */
function partialOf(shared: Float64Array, count: number): number {
  let partial = 0;
  for (let i = 0; i < count; i++) partial += shared[i]!;
  return partial;
}
