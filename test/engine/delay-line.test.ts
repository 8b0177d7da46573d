import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../sim/engine/index.ts';

type Op = { type: 'timer'; line: number } | { type: 'event'; delay: number } | { type: 'cancel'; pick: number } | { type: 'step'; n: number };

const DELAYS = [0, 3, 7];

const ops = fc.array(
  fc.oneof(
    fc.record({ type: fc.constant('timer' as const), line: fc.integer({ min: 0, max: DELAYS.length - 1 }) }),
    fc.record({ type: fc.constant('event' as const), delay: fc.integer({ min: 0, max: 10 }) }),
    fc.record({ type: fc.constant('cancel' as const), pick: fc.nat() }),
    fc.record({ type: fc.constant('step' as const), n: fc.integer({ min: 1, max: 4 }) }),
  ),
  { maxLength: 250 },
);

/**
 * Runs the same operations twice: timers on DelayLines, and the same timers as plain
 * cancellable scheduler events. Returns the two firing histories.
 */
function both(list: Op[]): [string[], string[]] {
  const run = (useLines: boolean): string[] => {
    const log: string[] = [];
    const box: { sim?: Scheduler } = {};
    box.sim = new Scheduler((kind, a) => log.push(`${box.sim!.nowNs}:${kind}:${a}`));
    const sim = box.sim;
    const lines = DELAYS.map((d) => sim.createDelayLine(d));
    const cancelTimer: (() => boolean)[] = [];
    let id = 0;
    for (const o of list) {
      if (o.type === 'timer') {
        const a = id++;
        if (useLines) {
          const h = lines[o.line]!.schedule(2, a);
          cancelTimer.push(() => lines[o.line]!.cancel(h));
        } else {
          const h = sim.after(DELAYS[o.line]!, 2, a);
          cancelTimer.push(() => sim.cancel(h));
        }
      } else if (o.type === 'event') sim.postAfter(o.delay, 1, id++);
      else if (o.type === 'cancel' && cancelTimer.length) log.push(`cancel:${cancelTimer[o.pick % cancelTimer.length]!()}`);
      else if (o.type === 'step') sim.run(Infinity, o.n);
    }
    sim.run();
    log.push(`pending:${sim.pending}`);
    return log;
  };
  return [run(true), run(false)];
}

describe('DelayLine', () => {
  it('fires in exactly the order direct scheduling would, for any mix of timers, events and cancels', () => {
    fc.assert(
      fc.property(ops, (list) => {
        const [withLines, direct] = both(list);
        expect(withLines).toEqual(direct);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps only its head in the event queue while cancelled timers wait to be reclaimed', () => {
    const fired: number[] = [];
    const sim = new Scheduler((_k, a) => fired.push(a));
    const line = sim.createDelayLine(1000);
    const handles = Array.from({ length: 100 }, (_, i) => line.schedule(1, i));
    expect(sim.pending).toBe(100);
    for (let i = 0; i < 100; i++) if (i !== 99) expect(line.cancel(handles[i]!)).toBe(true);
    expect(line.cancel(handles[0]!)).toBe(false);
    expect(sim.pending).toBe(1);
    sim.run();
    expect(fired).toEqual([99]);
    expect(sim.nowNs).toBe(1000);
    expect(line.stored).toBe(0);
  });
});
