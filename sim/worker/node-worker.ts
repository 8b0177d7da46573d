// Runs inside a worker thread: exposes the simulation API to the pool over comlink.
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { transferablesOf, workerApi, type SimWorkerApi } from './api.ts';
import { updateTransferables } from './live.ts';

const exposed: SimWorkerApi = {
  run(scenario, spec, progress, slot) {
    const result = workerApi.run(scenario, spec, progress, slot);
    return Comlink.transfer(result, transferablesOf(result));
  },
  runLive(scenario, spec, onUpdate) {
    const result = workerApi.runLive(scenario, spec, (u) => onUpdate(Comlink.transfer(u, updateTransferables(u))));
    return Comlink.transfer(result, transferablesOf(result));
  },
};

if (!parentPort) throw new Error('node-worker.ts must run in a worker thread');
Comlink.expose(exposed, nodeEndpoint(parentPort));
