import { Scheduler } from '../sim/engine/scheduler.ts';
import { Rng } from '../sim/engine/rng.ts';

/**
 * The classic "hold" benchmark: the queue holds N pending events; each fired event schedules
 * one more at now + an exponential integer-microsecond delay (many exact ties, like real runs).
 */
export function holdModel(pending: number, events: number, seed = 1): { eventsPerSec: number; wallMs: number; digest: string } {
  const rng = new Rng(seed).stream('hold');
  const meanNs = 1_000_000;
  let sim!: Scheduler;
  const dispatch = (kind: number, a: number): void => {
    const delay = Math.round(-meanNs * Math.log(rng.nextUnit()) / 1000) * 1000;
    sim.postAfter(delay, kind, a);
  };
  sim = new Scheduler(dispatch, { initialCapacity: pending * 2 });
  for (let i = 0; i < pending; i++) sim.post(Math.round(-meanNs * Math.log(rng.nextUnit()) / 1000) * 1000, 1, i);
  const t0 = process.hrtime.bigint();
  sim.run(Infinity, events);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return { eventsPerSec: events / (wallMs / 1000), wallMs, digest: sim.digest() };
}
