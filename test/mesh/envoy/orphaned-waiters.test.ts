import { describe, expect, it } from 'vitest';
import { World } from '../../../sim/mesh/world.ts';
import { CLIENT_OPEN } from '../../../sim/mesh/traffic/requests.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';

/**
 * Full tables hold connects in SYN retransmits (1, 3 s) while back's 300 ms route timeout gives up
 * on the requests waiting for them; entries expire (TIME_WAIT 2 s, SYN_SENT 3 s) so some connects
 * do complete later. A waiter whose request was given up must not be sent then.
 */
const yaml = `
duration: 12s
cluster:
  nodes: 2
  conntrack: { enabled: true, nfConntrackMax: 30, earlyDrop: false, wheelSlot: 250ms, timeouts: { timeWait: 2s, synSent: 3s } }
mesh: { connectTimeout: 5s }
services:
  front: { replicas: 4, calls: [{ service: back }] }
  back:
    replicas: 20
    timeout: 300ms
    app: { serviceTime: 1ms }
    trafficPolicy: { connectionPool: { http: { idleTimeout: 500ms } } }
workload: [{ to: front, rate: 200/s, end: 10s }]
`;

describe('a waiter given up while its connect ran is never sent (orphaned work)', () => {
  it('every request the pools put on a connection is still wanted; connects completed and requests were given up meanwhile', () => {
    const s = scenarioFrom(yaml);
    const world = new World(s, s.seed, { checkInvariants: true });
    const pools = world.connections!.pools;
    const rq = world.ctx.requests;
    const sent = pools.onSent;
    let orphansSent = 0;
    let sends = 0;
    pools.onSent = (a) => {
      sends++;
      if (rq.clientState[a] !== CLIENT_OPEN) orphansSent++;
      sent(a);
    };
    world.runUntil(s.duration, 1e9);
    const result = world.finish();
    const back = result.totals[world.services.findIndex((x) => x.name === 'back')]!;
    expect(sends).toBeGreaterThan(0);
    expect(result.connections!.drops).toBeGreaterThan(0);
    expect(back.flags.UT ?? 0, 'route timeouts gave up on waiting requests').toBeGreaterThan(0);
    expect(orphansSent).toBe(0);
  });
});
