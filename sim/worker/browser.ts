/**
 * The simulation worker in a browser: the same SimWorkerApi as the CLI's worker threads
 * (api.ts), over comlink on a Web Worker instead of a worker_threads port. The page calls
 * `connectSimWorker(new Worker(...))`; the worker script calls `exposeSimWorker()`.
 */
import * as Comlink from 'comlink/dist/esm/comlink.mjs';
import type { RunResult, RunSpec } from '../run/index.ts';
import type { Scenario } from '../scenario/index.ts';
import { transferablesOf, workerApi, type SimWorkerApi } from './api.ts';
import { updateTransferables, type LiveUpdate } from './live.ts';

/** In a Web Worker's global scope: serve SimWorkerApi to the page that created it. */
export function exposeSimWorker(): void {
  const exposed: SimWorkerApi = {
    run(scenario, spec, progress, slot) {
      const result = workerApi.run(scenario, spec, progress, slot);
      return Comlink.transfer(result, transferablesOf(result));
    },
    runLive(scenario, spec, onUpdate) {
      try {
        const result = workerApi.runLive(scenario, spec, (u) => onUpdate(Comlink.transfer(u, updateTransferables(u))));
        return Comlink.transfer(result, transferablesOf(result));
      } finally {
        // The callback is a proxy of the page's function with its own message channel: close it
        // (queued updates are delivered first: a port keeps its order).
        (onUpdate as unknown as { [Comlink.releaseProxy]?: () => void })[Comlink.releaseProxy]?.();
      }
    },
  };
  Comlink.expose(exposed);
}

/** The page's handle on one simulation worker. */
export interface SimWorkerClient {
  /** Runs one spec in the worker, calling `onUpdate` as it goes; rejects if the worker is stopped. */
  runLive(scenario: Scenario, spec: RunSpec, onUpdate: (u: LiveUpdate) => void): Promise<RunResult>;
  /** Ends the worker at once (the stop button): a run in progress rejects with StoppedError. */
  terminate(): void;
}

/** A run ended by `terminate()`. */
export class StoppedError extends Error {
  override name = 'StoppedError';
}

/**
 * Wraps a Web Worker running `exposeSimWorker()`. A run is synchronous inside the worker, so
 * the only way to stop it is to end the worker; the page then starts a fresh one.
 */
export function connectSimWorker(worker: Comlink.Endpoint & { terminate(): void }): SimWorkerClient {
  const api = Comlink.wrap<SimWorkerApi>(worker);
  let stop: ((e: Error) => void) | undefined;
  return {
    runLive(scenario, spec, onUpdate) {
      return new Promise<RunResult>((resolve, reject) => {
        stop = reject;
        api.runLive(scenario, spec, Comlink.proxy(onUpdate)).then(resolve, reject);
      });
    },
    terminate() {
      worker.terminate();
      stop?.(new StoppedError('run stopped'));
    },
  };
}
