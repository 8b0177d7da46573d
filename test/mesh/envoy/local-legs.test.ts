import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../sim/run/index.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';

/**
 * conntrack.md §3.2: the app's connection to its own sidecar carries the request, and Envoy's
 * retries reuse it, so a request holds one outbound local leg however many attempts it makes. The
 * inbound leg (sidecar -> app at the host) is per attempt: each attempt reaches its host's app.
 *
 * One front pod sends one request at a time (2/s, 500 ms apart); back answers after 100 ms, so
 * its 30 ms per-try timeout gives up each try and all three overlap at the one back pod.
 */
describe('local legs (conntrack.md §3.2)', () => {
  it('a request holds one app -> sidecar leg across its retries; each attempt its own sidecar -> app leg', () => {
    const result = runScenario(
      scenarioFrom(`
duration: 3s
cluster: { nodes: 1, conntrack: { enabled: true } }
services:
  front: { replicas: 1, calls: [{ service: back }] }
  back:
    replicas: 1
    app: { serviceTime: 100ms, concurrency: 100 }
    retries: { attempts: 2, perTryTimeout: 30ms, retryOn: 5xx, backoff: 5ms }
workload: [{ to: front, rate: 2/s, arrival: uniform, end: 2s }]
`),
      { checkInvariants: true },
    );
    const back = result.summary.services.find((s) => s.name === 'back')!;
    expect(back.attempts).toBe(3 * back.startedTotal);
    // front: 1 inbound leg (one page at a time) + 1 outbound; back: 3 inbound (three tries at once).
    expect(result.summary.conntrack!.localLegs).toBe(1 + 1 + 3);
  });
});
