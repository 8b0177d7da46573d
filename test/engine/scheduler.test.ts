import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError, NO_HANDLE, Scheduler } from '../../sim/engine/index.ts';

interface Fired {
  t: number;
  kind: number;
  a: number;
}

/** A scheduler whose dispatch records what fired. */
function recorder(): { sim: Scheduler; fired: Fired[] } {
  const fired: Fired[] = [];
  const box: { sim?: Scheduler } = {};
  box.sim = new Scheduler((kind, a) => fired.push({ t: box.sim!.nowNs, kind, a }));
  return { sim: box.sim, fired };
}

// One operation of a random schedule: schedule (plain or cancellable) at a delay, or cancel
// a previously returned handle. Small delays make exact time ties common.
const op = fc.oneof(
  fc.record({ type: fc.constant('post' as const), delay: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ type: fc.constant('at' as const), delay: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ type: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ type: fc.constant('step' as const), n: fc.integer({ min: 1, max: 5 }) }),
);

describe('scheduler ordering', () => {
  it('pops events in (time, seq) order: by time, and FIFO among equal times, for any schedule/cancel sequence', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const { sim, fired } = recorder();
        const handles: number[] = [];
        const expected: { t: number; id: number }[] = [];
        let id = 0;
        for (const o of ops) {
          if (o.type === 'post') {
            expected.push({ t: sim.nowNs + o.delay, id });
            sim.postAfter(o.delay, 1, id++);
          } else if (o.type === 'at') {
            expected.push({ t: sim.nowNs + o.delay, id });
            handles.push(sim.after(o.delay, 2, id));
            id++;
          } else if (o.type === 'cancel' && handles.length > 0) {
            const h = handles[o.pick % handles.length]!;
            if (sim.isPending(h)) {
              const before = fired.length;
              expect(sim.cancel(h)).toBe(true);
              expect(fired.length).toBe(before);
            }
          } else if (o.type === 'step') {
            sim.run(Infinity, o.n);
          }
        }
        sim.run();
        // Every fired event is in non-decreasing time, and equal times keep scheduling order.
        for (let i = 1; i < fired.length; i++) {
          const [p, c] = [fired[i - 1]!, fired[i]!];
          expect(p.t <= c.t).toBe(true);
          if (p.t === c.t) expect(p.a < c.a).toBe(true);
        }
        // Fired times are exactly the scheduled times.
        const when = new Map(expected.map((e) => [e.id, e.t]));
        for (const f of fired) expect(f.t).toBe(when.get(f.a));
      }),
      { numRuns: 300 },
    );
  });

  it('never fires a cancelled event, and fires every other event exactly once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 200 }), fc.array(fc.nat(), { maxLength: 100 }), (delays, cancels) => {
        const { sim, fired } = recorder();
        const handles = delays.map((d, i) => sim.after(d, 1, i));
        const cancelled = new Set<number>();
        for (const c of cancels) {
          const i = c % handles.length;
          const wasPending = sim.isPending(handles[i]!);
          expect(sim.cancel(handles[i]!)).toBe(wasPending);
          cancelled.add(i);
        }
        expect(sim.pending).toBe(delays.length - cancelled.size);
        sim.run();
        const ids = fired.map((f) => f.a);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.filter((i) => cancelled.has(i))).toEqual([]);
        expect(ids.length).toBe(delays.length - cancelled.size);
        expect(sim.pending).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('a stale handle cannot cancel a newer event that reused its slot', () => {
    const { sim, fired } = recorder();
    const h1 = sim.after(5, 1, 1);
    sim.run();
    const h2 = sim.after(5, 1, 2);
    expect(sim.cancel(h1)).toBe(false);
    expect(sim.isPending(h2)).toBe(true);
    sim.run();
    expect(fired.map((f) => f.a)).toEqual([1, 2]);
    expect(sim.cancel(NO_HANDLE)).toBe(false);
  });
});

describe('scheduler runs', () => {
  it('runs until a time inclusive, then leaves time at that time', () => {
    const { sim, fired } = recorder();
    for (const t of [10, 20, 30]) sim.post(t, 1, t);
    expect(sim.run(20)).toBe('time');
    expect(fired.map((f) => f.t)).toEqual([10, 20]);
    expect(sim.nowNs).toBe(20);
    expect(sim.run(25)).toBe('time');
    expect(sim.nowNs).toBe(25);
    expect(sim.run()).toBe('empty');
    expect(fired.map((f) => f.t)).toEqual([10, 20, 30]);
  });

  it('stops after an event budget and resumes where it stopped', () => {
    const { sim, fired } = recorder();
    for (let i = 0; i < 10; i++) sim.post(i, 1, i);
    expect(sim.run(Infinity, 4)).toBe('budget');
    expect(fired.length).toBe(4);
    expect(sim.eventsFired).toBe(4);
    expect(sim.run(Infinity, 100)).toBe('empty');
    expect(fired.map((f) => f.a)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a handler can stop the run', () => {
    const box: { sim?: Scheduler } = {};
    const seen: number[] = [];
    box.sim = new Scheduler((_k, a) => {
      seen.push(a);
      if (a === 2) box.sim!.stop();
    });
    for (let i = 0; i < 5; i++) box.sim.post(i, 1, i);
    expect(box.sim.run()).toBe('stopped');
    expect(seen).toEqual([0, 1, 2]);
  });

  it('accepts an event before the radix base after a run stopped short of the next event', () => {
    const { sim, fired } = recorder();
    sim.post(1000, 1, 1);
    sim.post(1000, 1, 2);
    sim.run(10); // peeks at 1000, stops at 10
    sim.post(500, 1, 3);
    sim.post(1000, 1, 4);
    sim.run();
    expect(fired.map((f) => [f.t, f.a])).toEqual([
      [500, 3],
      [1000, 1],
      [1000, 2],
      [1000, 4],
    ]);
  });

  it('rejects scheduling in the past, at fractional or non-finite times, and kinds outside 0..4095', () => {
    const { sim } = recorder();
    sim.post(100, 1);
    sim.run();
    expect(() => sim.post(99, 1)).toThrow(EngineError);
    expect(() => sim.post(100.5, 1)).toThrow(EngineError);
    expect(() => sim.post(NaN, 1)).toThrow(EngineError);
    expect(() => sim.post(Infinity, 1)).toThrow(EngineError);
    expect(() => sim.post(200, 4096)).toThrow(EngineError);
    expect(() => sim.post(200, -1)).toThrow(EngineError);
    expect(() => sim.after(-1, 1)).toThrow(EngineError);
  });

  it('orders correctly across large times (beyond 2^32 ns) and far-apart keys', () => {
    const { sim, fired } = recorder();
    const times = [2 ** 40 + 7, 5, 2 ** 33, 2 ** 33, 2 ** 52, 2 ** 32 - 1, 2 ** 32];
    times.forEach((t, i) => sim.post(t, 1, i));
    sim.run();
    const expected = times.map((t, i) => ({ t, i })).sort((x, y) => x.t - y.t || x.i - y.i);
    expect(fired.map((f) => f.a)).toEqual(expected.map((e) => e.i));
  });
});

describe('scheduler storage', () => {
  // Bursts large enough that buckets pass 4,096 entries, empty, and hand their arrays on
  // (event-queue.ts spares): order and times must hold through every reuse of an array.
  it('keeps (time, seq) order through bursts that cascade through large buckets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5_000, max: 30_000 }), fc.integer({ min: 1, max: 2 ** 30 }), fc.integer(), (burst, spanNs, seed) => {
        const { sim, fired } = recorder();
        let x = seed | 1;
        const next = (): number => ((x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) ^ (x >>> 12)) >>> 0) / 2 ** 32;
        let id = 0;
        const expected = new Map<number, number>();
        for (let round = 0; round < 4; round++) {
          for (let i = 0; i < burst; i++) {
            const delay = Math.floor(next() * spanNs);
            expected.set(id, sim.nowNs + delay);
            sim.postAfter(delay, 1, id++);
          }
          sim.run();
        }
        expect(fired.length).toBe(id);
        let outOfOrder = 0;
        let wrongTime = 0;
        for (let i = 1; i < fired.length; i++) {
          const [p, c] = [fired[i - 1]!, fired[i]!];
          if (!(p.t < c.t || (p.t === c.t && p.a < c.a))) outOfOrder++;
        }
        for (const f of fired) if (f.t !== expected.get(f.a)) wrongTime++;
        expect({ outOfOrder, wrongTime }).toEqual({ outOfOrder: 0, wrongTime: 0 });
      }),
      { numRuns: 8 },
    );
  });
});

describe('event digest', () => {
  it('equal schedules give equal digests; a different time changes it', () => {
    const digestOf = (shift: number) => {
      const { sim } = recorder();
      for (let i = 0; i < 100; i++) sim.post(i * 3 + (i === 50 ? shift : 0), 1, i);
      sim.run();
      return sim.digest();
    };
    expect(digestOf(0)).toBe(digestOf(0));
    expect(digestOf(1)).not.toBe(digestOf(0));
  });
});
