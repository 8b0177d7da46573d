import { describe, expect, it } from 'vitest';
import { crashLoopBackOffNs, ISTIO_PROXY_STARTUP_PROBE, pollPassNs, probePassNs } from '../../../sim/mesh/kube/probes.ts';

const S = 1e9;
const KUBELET_DEFAULT = { initialDelaySeconds: 0, periodSeconds: 10, successThreshold: 1 };

describe('probe timing (kubernetes-istio.md §2.5)', () => {
  it('a container healthy at t_h turns ready at the first probe instant >= t_h on the {0, P, 2P, ...} grid', () => {
    // The reference's model: P = 10 s by default.
    expect(probePassNs(0, KUBELET_DEFAULT, 0)).toBe(0); // the manual trigger at start passes
    expect(probePassNs(0, KUBELET_DEFAULT, 0.001 * S)).toBe(10 * S);
    expect(probePassNs(0, KUBELET_DEFAULT, 5 * S)).toBe(10 * S);
    expect(probePassNs(0, KUBELET_DEFAULT, 10 * S)).toBe(10 * S);
    expect(probePassNs(0, KUBELET_DEFAULT, 10.5 * S)).toBe(20 * S);
    expect(probePassNs(7 * S, KUBELET_DEFAULT, 12 * S)).toBe(17 * S); // the grid starts at the container start
  });

  it('initialDelaySeconds skips the instants before it; successThreshold needs that many passes in a row', () => {
    expect(probePassNs(0, { ...KUBELET_DEFAULT, initialDelaySeconds: 15 }, 0)).toBe(20 * S);
    expect(probePassNs(0, { ...KUBELET_DEFAULT, initialDelaySeconds: 20 }, 0)).toBe(20 * S);
    expect(probePassNs(0, { ...KUBELET_DEFAULT, successThreshold: 3 }, 5 * S)).toBe(30 * S);
  });

  it("Istio's injected proxy probes: ready at the first 1 s tick after Envoy is LIVE (§1.5, §2.2)", () => {
    expect(probePassNs(0, ISTIO_PROXY_STARTUP_PROBE, 1.01 * S)).toBe(2 * S);
    expect(probePassNs(3 * S, ISTIO_PROXY_STARTUP_PROBE, 4 * S)).toBe(4 * S);
  });

  it('pilot-agent wait polls every 500 ms (§1.2)', () => {
    expect(pollPassNs(1 * S, 0.5 * S, 2.01 * S)).toBe(2.5 * S);
    expect(pollPassNs(1 * S, 0.5 * S, 1 * S)).toBe(1 * S);
  });

  it('CrashLoopBackOff: 10 s doubling per restart, capped at 5 min', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => crashLoopBackOffNs(n) / S)).toEqual([10, 20, 40, 80, 160, 300, 300]);
  });
});
