import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../sim/run/index.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';

/**
 * envoy.md §4.3: the per-try timer starts when the request is attached to an upstream stream,
 * i.e. once the connection pool has a connection for it. With full tables a connect waits through
 * SYN retransmits (1, 3, 7 s) until Envoy's 1 s connect timeout here; a 300 ms per-try timeout
 * must not fire during that wait. Service time is 1 ms, so a sent try never takes 300 ms.
 */
describe('the per-try timeout counts from the request being sent on a connection (envoy.md §4.3)', () => {
  it('never fires while a connect is waiting: waiting tries end 503 UF at the connect timeout, none 504 UT', () => {
    const result = runScenario(
      scenarioFrom(`
duration: 10s
cluster: { nodes: 2, conntrack: { enabled: true, nfConntrackMax: 30, earlyDrop: false } }
mesh: { connectTimeout: 1s }
services:
  front: { replicas: 4, calls: [{ service: back }] }
  back:
    replicas: 20
    app: { serviceTime: 1ms }
    retries: { attempts: 2, perTryTimeout: 300ms, retryOn: connect-failure }
workload: [{ to: front, rate: 200/s, end: 8s }]
`),
      { checkInvariants: true },
    );
    const back = result.summary.services.find((s) => s.name === 'back')!;
    expect(result.summary.conntrack!.drops).toBeGreaterThan(0);
    expect(back.flags.UF).toBeGreaterThan(0);
    expect(back.flags.UT ?? 0).toBe(0);
  });
});
