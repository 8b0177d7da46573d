import { describe, expect, it } from 'vitest';
import type { AccessLogRecord } from '../../../sim/mesh/index.ts';
import { formatAccessLogLine, runScenario } from '../../../sim/run/index.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';

// One worker, 500ms per request, a request every 250ms: by the end (2s) requests are queued.
const BACKLOG = `
duration: 2s
services:
  slow: { replicas: 1, app: { serviceTime: 500ms, concurrency: 1 } }
workload: [{ to: slow, rate: 4/s, arrival: uniform }]
`;

describe('access log of requests in flight at the end of the run', () => {
  const log: AccessLogRecord[] = [];
  const result = runScenario(scenarioFrom(BACKLOG), { accessLog: (r) => log.push(r) });
  const slow = result.summary.services[0]!;

  it('has one line per request started, finished or not', () => {
    // Evenly spaced arrivals, one gap after the start: 250ms, 500ms, ..., 1750ms, 7 requests.
    expect(slow.startedTotal).toBe(7);
    expect(log).toHaveLength(slow.startedTotal);
  });

  it('marks exactly the requests in flight at the end, with code 0 and their duration up to the end', () => {
    const open = log.filter((r) => r.inFlightAtEnd);
    expect(slow.inFlightAtEnd).toBe(4);
    expect(open).toHaveLength(4);
    // Served one at a time for 500ms each: those from 250, 500 and 750ms finish (at about 750ms,
    // 1.25s and 1.75s); the four from 1s on are queued or in service at the end.
    expect(open.map((r) => r.startNs / 1e6)).toEqual([1000, 1250, 1500, 1750]);
    expect(open.map((r) => r.durationNs / 1e6)).toEqual([1000, 750, 500, 250]);
    expect(open.every((r) => r.responseCode === 0 && r.responseFlags === 0 && r.upstreamPod === 'slow-0')).toBe(true);
  });

  it('prints in_flight_at_end: true on those lines only', () => {
    const lines = log.map((r) => JSON.parse(formatAccessLogLine(r)) as Record<string, unknown>);
    expect(lines.filter((l) => l.in_flight_at_end === true)).toHaveLength(4);
    expect(lines.filter((l) => 'in_flight_at_end' in l)).toHaveLength(4);
  });
});
