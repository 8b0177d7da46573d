/**
 * Runs a scenario's base and chosen variants one after another in a Web Worker, streaming each
 * run's progress and closed intervals to the page. Stop ends the worker (a run is one
 * synchronous loop inside it) and the next run starts a fresh one.
 */
import { connectSimWorker, StoppedError, type LiveUpdate, type RunResult, type RunSpec, type Scenario, type SimWorkerClient } from 'meshsim/browser';

export interface RunHandlers {
  onStart(spec: RunSpec): void;
  onUpdate(spec: RunSpec, update: LiveUpdate): void;
  onDone(spec: RunSpec, result: RunResult): void;
}

export type Outcome = { kind: 'done'; results: RunResult[]; wallMs: number } | { kind: 'stopped' } | { kind: 'failed'; message: string };

export class RunController {
  private client: SimWorkerClient | undefined;
  private generation = 0;

  private worker(): SimWorkerClient {
    return (this.client ??= connectSimWorker(new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'meshsim' })));
  }

  get running(): boolean {
    return this.generation % 2 === 1;
  }

  async run(scenario: Scenario, specs: RunSpec[], handlers: RunHandlers): Promise<Outcome> {
    if (this.running) this.stop();
    this.generation++;
    const mine = this.generation;
    const started = performance.now();
    const results: RunResult[] = [];
    try {
      for (const spec of specs) {
        handlers.onStart(spec);
        const result = await this.worker().runLive(scenario, spec, (u) => {
          if (this.generation === mine) handlers.onUpdate(spec, u);
        });
        if (this.generation !== mine) return { kind: 'stopped' };
        results.push(result);
        handlers.onDone(spec, result);
      }
      return { kind: 'done', results, wallMs: performance.now() - started };
    } catch (e) {
      if (e instanceof StoppedError || this.generation !== mine) return { kind: 'stopped' };
      return { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
    } finally {
      if (this.generation === mine) this.generation++;
    }
  }

  stop(): void {
    if (!this.running) return;
    this.generation++;
    this.client?.terminate();
    this.client = undefined;
  }
}
