import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionPools } from '../../../sim/mesh/envoy/connection-pool.ts';
import { runScenario, type RunResult } from '../../../sim/run/index.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';

/**
 * Lone-connection pools (lone-pool.ts) are a memory layout, not a model: a run where every pool
 * has a full record from its first request must be the same run, event for event. The scenarios
 * stress what moves a pool off the lone form: full tables (connects in flight, waiters), short
 * idle timeouts (the wheel, re-queues, closes), killed pods (gone hosts and clients) and bursts (a second
 * request on a busy pool).
 */
const params = fc.record({
  nfMax: fc.integer({ min: 40, max: 400 }),
  idleMs: fc.constantFrom(150, 700, 1000, 2500),
  rate: fc.integer({ min: 50, max: 400 }),
  killAtMs: fc.integer({ min: 500, max: 3500 }),
  seed: fc.nat(1000),
  // back's pools: lone-capable, or never lone (a per-connection request limit, HTTP/2).
  backPool: fc.constantFrom('', ', maxRequestsPerConnection: 3', ', h2UpgradePolicy: UPGRADE'),
});

type Params = { nfMax: number; idleMs: number; rate: number; killAtMs: number; seed: number; backPool: string };

function yaml(p: Params): string {
  return `
seed: ${p.seed}
duration: 5s
cluster: { nodes: 3, conntrack: { enabled: true, nfConntrackMax: ${p.nfMax}, wheelSlot: 100ms } }
services:
  front:
    replicas: 3
    app: { serviceTime: { exponential: { mean: 5ms } }, concurrency: 8 }
    calls: [{ service: back }, { service: back, required: false }]
    trafficPolicy: { connectionPool: { http: { idleTimeout: ${p.idleMs}ms } } }
  back:
    replicas: 4
    app: { serviceTime: { exponential: { mean: 20ms } } }
    trafficPolicy: { connectionPool: { http: { idleTimeout: ${p.idleMs}ms${p.backPool} } } }
workload: [{ to: front, rate: ${p.rate}/s }]
timeline:
  - { at: ${p.killAtMs}ms, kill: { service: back, count: 1 } }
  - { at: ${p.killAtMs + 300}ms, kill: { service: front, count: 1 } }
`;
}

/** The run's results with the one figure that is about the layout itself (bytes of pool state) left out. */
function comparable(r: RunResult): unknown {
  const { digest: _d, conntrack, ...rest } = r.summary;
  const { stateBytes: _b, ...ct } = conntrack!;
  return { ...rest, conntrack: ct };
}

describe('lone-connection pools', () => {
  afterEach(() => vi.restoreAllMocks());

  it('give the same run as full records for every pool (same events, same summary)', () => {
    fc.assert(
      fc.property(params, (p) => {
        const scenario = scenarioFrom(yaml(p));
        const lone = runScenario(scenario, { checkInvariants: true });
        // Every new pool takes a full record at once: the pre-lone behaviour.
        const proto = ConnectionPools.prototype as unknown as Record<string, (...a: number[]) => void>;
        const spy = vi.spyOn(proto, 'firstRequest').mockImplementation(function (this: Record<string, (...a: number[]) => number>, r, s, client, host, service, latencyNs) {
          this.dispatchFull!(r!, this.promote!(s!), client!, host!, service!, latencyNs!);
        });
        const full = runScenario(scenario, { checkInvariants: true });
        spy.mockRestore();
        expect(full.summary.conntrack!.connectionsOpened).toBeGreaterThan(0);
        expect(full.summary.eventDigest).toBe(lone.summary.eventDigest);
        expect(comparable(full)).toEqual(comparable(lone));
      }),
      { numRuns: 12 },
    );
  });
});
