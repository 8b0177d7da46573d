import { describe, expect, it } from 'vitest';
import { blankConnectionSeries, type ConnectionSeries } from '../../sim/metrics/index.ts';
import { busiestNodePeak, dropsPerS, entriesByState, poolConnections } from '../../web/src/conntrack-data.ts';

/** 3 intervals x 2 nodes x 2 services, interval-major as the recorder writes them. */
const cs: ConnectionSeries = blankConnectionSeries(3, 2, ['web', 'api']);
cs.node.entries.set([5, 7, 9, 11, 13, 15]);
cs.node.peakEntries.set([6, 8, 12, 10, 16, 20]);
cs.node.drops.set([0, 0, 3, 1, 10, 30]);
cs.service.poolConnections.set([0, 4, 0, 9, 0, 12]);
cs.node.established.set([5, 6, 8, 9, 10, 11]);
cs.node.timeWait.set([0, 1, 1, 2, 3, 4]);

describe('conntrack chart data', () => {
  it("the busiest node's line is, per interval, the highest peak of any node", () => {
    expect(busiestNodePeak(cs, 3, 0.5)).toEqual([
      { tS: 0, value: 8 },
      { tS: 0.5, value: 12 },
      { tS: 1, value: 20 },
    ]);
  });

  it('drops are summed over nodes and turned into a rate per second', () => {
    expect(dropsPerS(cs, 3, 0.5).map((p) => p.value)).toEqual([0, 8, 80]);
  });

  it("a service's pooled connections are its column; an unknown service has no line", () => {
    expect(poolConnections(cs, 'api', 3, 1).map((p) => p.value)).toEqual([4, 9, 12]);
    expect(poolConnections(cs, 'users', 3, 1)).toEqual([]);
  });

  it('entries by state are summed over nodes per interval, and a state never held is left out', () => {
    expect(entriesByState(cs, 3, 0.5)).toEqual({
      keys: ['ESTABLISHED', 'TIME_WAIT'],
      rows: [
        { tS: 0, values: { ESTABLISHED: 11, TIME_WAIT: 1, CLOSE: 0, SYN_SENT: 0 } },
        { tS: 0.5, values: { ESTABLISHED: 17, TIME_WAIT: 3, CLOSE: 0, SYN_SENT: 0 } },
        { tS: 1, values: { ESTABLISHED: 21, TIME_WAIT: 7, CLOSE: 0, SYN_SENT: 0 } },
      ],
    });
    expect(entriesByState(cs, 1, 0.5).rows).toHaveLength(1);
  });

  it('only closed intervals are drawn', () => {
    expect(busiestNodePeak(cs, 2, 1)).toHaveLength(2);
    expect(dropsPerS(cs, 9, 1)).toHaveLength(3);
  });
});
