import { describe, expect, it } from 'vitest';
import { backoffMs, JitteredExponentialBackOff, nextIntervalMs } from '../../../sim/mesh/envoy/backoff.ts';

// envoy.md §10.8 Table G (test/common/common/backoff_strategy_test.cc).
describe('Envoy jittered exponential backoff (envoy.md §4.2, Table G)', () => {
  it('BO-1 JitteredBackOffWithMaxInterval: base 5, max 100, random() = 9999 gives 4, 9, 19, 39, 79, 99, 99', () => {
    const b = new JitteredExponentialBackOff(5, 100);
    expect(Array.from({ length: 7 }, () => b.nextBackOffMs(9999))).toEqual([4, 9, 19, 39, 79, 99, 99]);
  });

  it('BO-2 JitteredBackOffBasicFlow: base 25, max 30, random() = 27 gives 2 (27 % 25), then 27 (27 % 30)', () => {
    const b = new JitteredExponentialBackOff(25, 30);
    expect([b.nextBackOffMs(27), b.nextBackOffMs(27)]).toEqual([2, 27]);
  });

  it('with the defaults (base 25 ms, max 250 ms) the intervals are 25, 50, 100, 200, then 250 for every later retry', () => {
    const intervals = [25];
    for (let i = 0; i < 6; i++) intervals.push(nextIntervalMs(intervals[intervals.length - 1]!, 250));
    expect(intervals).toEqual([25, 50, 100, 200, 250, 250, 250]);
  });

  it('each wait is random() modulo the current interval: uniform in [0, interval), never the interval itself', () => {
    for (const interval of [25, 50, 250]) {
      expect(backoffMs(interval - 1, interval)).toBe(interval - 1);
      expect(backoffMs(interval, interval)).toBe(0);
      expect(backoffMs(4294967295, interval)).toBe(4294967295 % interval);
    }
  });
});
