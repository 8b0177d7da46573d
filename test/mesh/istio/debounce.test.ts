import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Debouncer } from '../../../sim/mesh/istio/debounce.ts';

const MS = 1e6;

/** Feeds event times to a debouncer with its own timer, as istiod runs it; returns push times. */
function pushTimes(eventsNs: number[], afterNs = 100 * MS, maxNs = 10_000 * MS): number[] {
  const d = new Debouncer(afterNs, maxNs);
  const pushes: number[] = [];
  let timer = -1;
  const fire = (until: number) => {
    while (timer >= 0 && timer <= until) {
      const t = timer;
      timer = -1;
      const rearm = d.onTimer(t);
      if (rearm >= 0) timer = rearm;
      else pushes.push(t);
    }
  };
  for (const t of eventsNs) {
    fire(t - 1); // a timer due at the very time of an event fires after it (FIFO: the event was posted earlier)
    const arm = d.onEvent(t);
    if (arm >= 0) timer = arm;
  }
  fire(Infinity);
  return pushes;
}

describe("istiod debounce (kubernetes-istio.md §4.2, discovery.go's debounce)", () => {
  it('a burst within debounceAfter makes one push, debounceAfter after the last event', () => {
    expect(pushTimes([0, 30 * MS, 60 * MS, 90 * MS])).toEqual([190 * MS]);
  });

  it('one event pushes exactly debounceAfter later', () => {
    expect(pushTimes([5 * MS])).toEqual([105 * MS]);
  });

  it('events 100 ms apart or more are separate pushes', () => {
    expect(pushTimes([0, 150 * MS])).toEqual([100 * MS, 250 * MS]);
  });

  it('debounceMax caps a batch that never goes quiet', () => {
    const every50ms = Array.from({ length: 400 }, (_, i) => i * 50 * MS); // 20 s of events
    const pushes = pushTimes(every50ms);
    // The timer fires at 10 s, 10 s after the first event (the event at 10 s joins that push);
    // the next batch opens at 10.05 s, and its last event is 19.95 s: quiet and max both at 20.05 s.
    expect(pushes).toEqual([10_000 * MS, 20_050 * MS]);
  });

  it('property: each push follows debounceAfter of quiet or debounceMax of batching, and the last event is always pushed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 3000 }), (gapsMs, maxMs) => {
        let t = 0;
        const events = gapsMs.map((g) => (t += g * MS));
        const pushes = pushTimes(events, 100 * MS, maxMs * MS);
        expect(pushes.at(-1)!).toBeGreaterThanOrEqual(events.at(-1)!);
        let previous = -Infinity;
        for (const p of pushes) {
          const batch = events.filter((e) => e > previous && e <= p);
          expect(batch.length).toBeGreaterThan(0); // never an empty push
          const quietNs = p - batch.at(-1)!;
          const openNs = p - batch[0]!;
          expect(quietNs >= 100 * MS || openNs >= maxMs * MS).toBe(true);
          previous = p;
        }
      }),
      { seed: 6, numRuns: 300 },
    );
  });
});
