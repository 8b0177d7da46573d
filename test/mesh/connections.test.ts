import { describe, expect, it } from 'vitest';
import { conntrackLines } from '../../sim/cli/render-conntrack.ts';
import { runScenario } from '../../sim/run/index.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

/**
 * back's connections carry one request each (maxRequestsPerConnection 1) and close on its
 * response, so upstream_cx_destroy counts them; front's (from the gateway) close after 200 ms idle.
 */
const yaml = `
duration: 3s
cluster: { nodes: 2, conntrack: { enabled: true } }
services:
  front: { replicas: 2, calls: [{ service: back }], trafficPolicy: { connectionPool: { http: { idleTimeout: 200ms } } } }
  back:
    replicas: 3
    app: { serviceTime: 2ms }
    trafficPolicy: { connectionPool: { http: { maxRequestsPerConnection: 1 } } }
workload: [{ to: front, rate: 50/s, arrival: uniform, end: 2s }]
`;

describe('summary.conntrack.services[].destroyed (upstream_cx_destroy)', () => {
  const result = runScenario(scenarioFrom(yaml), { checkInvariants: true });
  const c = result.summary.conntrack!;
  const service = (name: string) => c.services.find((s) => s.name === name)!;

  it('counts every connection closed, per upstream service: connects = destroyed + open at end', () => {
    // One connection per back request, each closed on its response: all 99 answered by 3 s
    // (uniform 50/s, the first at 20 ms, the last before 2 s).
    expect(result.summary.services.find((s) => s.name === 'back')!.startedTotal).toBe(99);
    expect(service('back').connects).toBe(99);
    expect(service('back').destroyed).toBe(99);
    // The gateway's 2 workers x 2 front pods, all idle for 200 ms by 3 s.
    expect(service('front').connects).toBe(4);
    expect(service('front').destroyed).toBe(4);
    for (const s of c.services) expect(s.connects, s.name).toBe(s.destroyed + s.openAtEnd);
    expect(c.services.reduce((n, s) => n + s.destroyed, 0)).toBe(c.connectionsClosed);
  });

  it('counts them per caller -> upstream pair too (summary.conntrack.pairs), and the CLI prints the pairs', () => {
    // 99 requests 20 ms apart, each answered in a few ms on its own connection: one open at a time.
    expect(c.pairs).toEqual([
      { caller: 'istio-ingressgateway', upstream: 'front', opened: 4, openAtEnd: 0, peakOpen: 4 },
      { caller: 'front', upstream: 'back', opened: 99, openAtEnd: 0, peakOpen: 1 },
    ]);
    expect(conntrackLines([result]).slice(-2)).toEqual([
      'pooled connections by caller -> upstream, open at the end (the most open at once)',
      '  base: istio-ingressgateway -> front 0 (most 4) · front -> back 0 (most 1)',
    ]);
  });

  it('is rendered: the conntrack table has a "closed" column with their sum', () => {
    const [header, row] = conntrackLines([result])[1]!.split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(row![header!.indexOf('closed')]).toBe('103');
    expect(c.connectionsClosed).toBe(103);
  });
});
