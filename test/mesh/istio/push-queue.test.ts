import { describe, expect, it } from 'vitest';
import { PushQueue } from '../../../sim/mesh/istio/push-queue.ts';

const drain = (q: PushQueue): number[] => {
  const out: number[] = [];
  for (let p = q.next(); p >= 0; p = q.next()) out.push(p);
  return out;
};

describe("istiod's push queue (pushqueue.go, kubernetes-istio.md §4.2)", () => {
  it('is FIFO, and at most `throttle` pushes are in flight (PILOT_PUSH_THROTTLE)', () => {
    const q = new PushQueue(2);
    [5, 3, 9, 1].forEach((p) => q.enqueue(p, false));
    expect(drain(q)).toEqual([5, 3]);
    expect(q.inFlight).toBe(2);
    q.done(5);
    expect(drain(q)).toEqual([9]);
    q.done(3);
    q.done(9);
    expect(drain(q)).toEqual([1]);
  });

  it('merges an enqueue into a waiting entry: one pending push per proxy', () => {
    const q = new PushQueue(10);
    q.enqueue(4, false);
    q.enqueue(4, false);
    q.enqueue(4, true);
    expect(q.waiting).toBe(1);
    expect(drain(q)).toEqual([4]);
    expect(q.takeFull(4)).toBe(true); // the merged request kept "full"
  });

  it('a proxy pushed to while in flight goes again, once, after its ack', () => {
    const q = new PushQueue(10);
    q.enqueue(7, false);
    expect(drain(q)).toEqual([7]);
    q.enqueue(7, false);
    q.enqueue(7, false);
    expect(drain(q)).toEqual([]); // one in flight per proxy
    q.done(7);
    expect(drain(q)).toEqual([7]);
    q.done(7);
    expect(drain(q)).toEqual([]);
  });

  it('forgetting a proxy frees its slot', () => {
    const q = new PushQueue(1);
    q.enqueue(1, false);
    q.enqueue(2, false);
    expect(drain(q)).toEqual([1]);
    q.forget(1);
    expect(q.inFlight).toBe(0);
    q.done(1); // a late ack changes nothing
    expect(q.inFlight).toBe(0);
    expect(drain(q)).toEqual([2]);
  });
});
