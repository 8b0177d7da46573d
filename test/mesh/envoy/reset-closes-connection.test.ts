/**
 * A stream reset before its response (here the route timeout, envoy.md §4.3) closes its HTTP/1.1
 * connection: HTTP/1.1 cannot drop one request, so Envoy closes the connection
 * (StreamWrapper::onResetStream, source/common/http/http1/conn_pool.cc). An HTTP/2 stream is
 * reset alone and its connection carries on.
 */
import { describe, expect, it } from 'vitest';
import { World } from '../../../sim/mesh/world.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';

/** Every call to back times out at 100 ms; back takes 1 s. 300 calls over 3 s. */
const yaml = (policy: string) => `
duration: 4s
cluster: { nodes: 2, conntrack: { enabled: true } }
mesh: { sidecar: { concurrency: 2 } }
services:
  front: { replicas: 3, calls: [{ service: back, required: false }] }
  back:
    replicas: 4
    timeout: 100ms
    retries: { attempts: 0 }
    app: { serviceTime: 1s, concurrency: 1000 }
    trafficPolicy: { connectionPool: { http: { h2UpgradePolicy: ${policy} } } }
workload: [{ to: front, rate: 100/s, arrival: uniform, end: 3s }]
`;

function run(policy: string) {
  const s = scenarioFrom(yaml(policy));
  const world = new World(s, s.seed, { checkInvariants: true });
  world.runUntil(s.duration, 1e9);
  const result = world.finish();
  const back = result.totals.find((t) => t.name === 'back')!;
  const c = result.connections!;
  return { world, c, back, toBack: c.services.find((x) => x.name === 'back')! };
}

describe('a reset stream and its connection', () => {
  it('HTTP/1.1: each of the ~300 timed-out calls closed its connection at the timeout, so each call opened a new one', () => {
    const { c, back, toBack } = run('DO_NOT_UPGRADE');
    const calls = back.startedTotal;
    expect(calls).toBeGreaterThanOrEqual(299); // uniform arrivals, 100/s for 3 s
    expect(back.codes.get(504)).toBe(calls);
    // No connection is ever free again before the next call: one connect per call.
    expect(toBack.connects).toBe(calls);
    expect(toBack.destroyed).toBe(calls);
    expect(toBack.openAtEnd).toBe(0);
    expect(c.hostEntriesByState.TIME_WAIT).toBeGreaterThan(0);
  });

  it('HTTP/2: the streams are reset, the connections stay: one per (client, host, worker) pool at most', () => {
    const { back, toBack } = run('UPGRADE');
    expect(back.codes.get(504)).toBe(back.startedTotal);
    expect(toBack.connects).toBeLessThanOrEqual(3 * 4 * 2);
    expect(toBack.destroyed).toBe(0);
  });
});
