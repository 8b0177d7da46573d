import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKERS } from '../../../sim/mesh/checkers/checkers.ts';
import { World } from '../../../sim/mesh/index.ts';
import { runScenario } from '../../../sim/run/index.ts';
import { parseScenario } from '../../../sim/scenario/index.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';

const activeNames = (w: World, service: string): string[] => {
  const v = w.inspect();
  const s = v.serviceNames.indexOf(service);
  return v.deployments.active(s).map((p) => v.pods.names[p]!);
};

function worldAt(yaml: string, untilNs: number): World {
  const s = scenarioFrom(yaml);
  const w = new World(s, s.seed, { checkInvariants: true });
  w.runUntil(untilNs, 1e9);
  return w;
}

describe('Deployments reconcile to their desired count (issue 13)', () => {
  const base = `
duration: 20s
services:
  backend: { replicas: 4, app: { preStop: { sleep: 5s } } }
workload: [{ to: backend, rate: 20/s }]
timeline:
  - { at: 5s, scale: { service: backend, replicas: 2 } }
`;

  it('killing pods that are already terminating creates no replacements: the service keeps its 2 desired pods', () => {
    const w = worldAt(`${base}  - { at: 6s, kill: { service: backend, pods: [backend-2, backend-3] } }\n`, 19e9);
    expect(activeNames(w, 'backend')).toEqual(['backend-0', 'backend-1']);
    const r = w.finish();
    expect(r.timeline.map((e) => e.description)).toEqual(['5s scale backend 4 -> 2: terminating backend-3, backend-2', '6s kill backend: killed backend-2, backend-3']);
  });

  it('kill {count} picks among pods that are not leaving, and the ReplicaSet replaces them', () => {
    const w = worldAt(`${base}  - { at: 6s, kill: { service: backend, count: 2 } }\n`, 19e9);
    const r = w.finish();
    expect(r.timeline[1]!.description).toBe('6s kill backend: killed backend-0, backend-1; created backend-4, backend-5');
    expect(activeNames(w, 'backend')).toEqual(['backend-4', 'backend-5']);
  });

  it('kill with replace: false lowers the desired count instead', () => {
    const w = worldAt(`${base}  - { at: 6s, kill: { service: backend, count: 1, replace: false } }\n`, 19e9);
    expect(w.inspect().deployments.desired(0)).toBe(1);
    expect(activeNames(w, 'backend')).toHaveLength(1);
  });
});

describe('rolling updates (Deployment RollingUpdate semantics)', () => {
  it('replaces every pod with the new revision, never over desired + maxSurge nor under desired - maxUnavailable ready', () => {
    const yaml = `
duration: 60s
services:
  api: { replicas: 8, app: { startupTime: 2s, readinessProbe: { periodSeconds: 1 } } }
workload: [{ to: api, rate: 100/s }]
timeline: [{ at: 5s, rollout: { service: api, maxSurge: 25%, maxUnavailable: 25% } }]
`;
    const s = scenarioFrom(yaml);
    const w = new World(s, s.seed, { checkInvariants: true });
    let minReady = Infinity;
    let maxPods = 0;
    for (let t = 5e9; t <= 59e9; t += 0.1e9) {
      w.runUntil(t, 1e9);
      const v = w.inspect();
      const active = v.deployments.active(0);
      maxPods = Math.max(maxPods, active.length);
      minReady = Math.min(minReady, active.filter((p) => v.pods.phase[p] === 2).length);
    }
    const v = w.inspect();
    expect(v.deployments.active(0).map((p) => v.pods.revision[p])).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(maxPods).toBe(10); // 8 + ceil(25% of 8)
    expect(minReady).toBe(6); // 8 - floor(25% of 8)
    const r = w.finish();
    expect(r.rolloutDurationsNs[0]).toHaveLength(1);
  });
});

describe('workloads honour their windows (issue 13)', () => {
  it('a rate change before a workload starts does not start it early', () => {
    const log: number[] = [];
    runScenario(
      scenarioFrom(`
duration: 20s
services: { backend: {} }
workload: [{ name: late, to: backend, rate: 100/s, start: 10s, end: 15s }]
timeline: [{ at: 2s, rate: { workload: late, rate: 200/s } }]
`),
      { accessLog: (r) => log.push(r.startNs), checkInvariants: true },
    );
    expect(log.length).toBeGreaterThan(800); // 200/s for 5 s
    expect(Math.min(...log)).toBeGreaterThanOrEqual(10e9);
    expect(Math.max(...log)).toBeLessThan(15e9);
  });
});

describe('checkers can fail: each reports a tampered view', () => {
  const w = worldAt(`
duration: 10s
services:
  frontend: { replicas: 2, calls: [{ service: backend }] }
  backend: { replicas: 3 }
workload: [{ to: frontend, rate: 50/s, start: 2s }]
`, 9e9);
  const real = w.inspect();

  it('every checker is quiet on the real world', () => {
    for (const [name, check] of Object.entries(ALL_CHECKERS)) expect({ name, problems: check(real, 'end') }).toEqual({ name, problems: [] });
  });

  it('deploymentsConverge sees a ReplicaSet that wants more pods than exist', () => {
    const view = { ...real, deployments: { ...real.deployments, targetPods: (s: number) => real.deployments.targetPods(s) + 1 } };
    expect(ALL_CHECKERS.deploymentsConverge!(view, 'end')[0]).toMatch(/frontend: 2 pods not terminating, but its ReplicaSets want 3/);
  });

  it('noDeadEndpoints sees a gone pod istiod still lists', () => {
    const gone = new Uint8Array(real.pods.phase);
    const victim = real.istiod.knownEndpoints(1)[0]!;
    gone[victim] = 4;
    const view = { ...real, pods: Object.assign(Object.create(Object.getPrototypeOf(real.pods)), real.pods, { phase: gone }) };
    expect(ALL_CHECKERS.noDeadEndpoints!(view, 'end').join('\n')).toMatch(/backend: istiod still has backend-\d as an endpoint after the EndpointSlice sync, but it is gone/);
  });

  it('proxiesConverge sees a proxy left behind while the control plane is idle', () => {
    const configs = Object.create(real.configs);
    configs.version = (p: number) => (p === real.istiod.connectedProxies[1] ? -1 : real.configs.version(p));
    expect(ALL_CHECKERS.proxiesConverge!({ ...real, configs }, 'end')[0]).toMatch(/has version -1 with the control plane idle/);
  });

  it('workloadsHonourWindows sees a request sent before the start', () => {
    const view = { ...real, startedInWindow: (s: number, from: number, to: number) => real.startedInWindow(s, from, to) + (from === 0 && to > 0 ? 1 : 0) };
    expect(ALL_CHECKERS.workloadsHonourWindows!(view, 'end')).toEqual(['workload w0 sent 1 requests before its start']);
  });

  it('requestsConserved sees a request that ended twice', () => {
    const view = { ...real, endedPerSeries: (s: number) => real.endedPerSeries(s) + (s === 0 ? 1 : 0) };
    expect(ALL_CHECKERS.requestsConserved!(view, 'end')[0]).toMatch(/^series 0: \d+ started but \d+ ended/);
  });

  it('countsInBounds sees more pushes in flight than the throttle allows', () => {
    const view = { ...real, istiod: { ...real.istiod, pushesInFlight: () => real.istiod.pushThrottle() + 1 } };
    expect(ALL_CHECKERS.countsInBounds!(view, 'end')).toEqual([`${real.istiod.pushThrottle() + 1} pushes in flight, throttle ${real.istiod.pushThrottle()}`]);
  });
});

describe('kubeProxyFollowsEndpointSlices reports a tampered kube-proxy', () => {
  const w = worldAt(`
duration: 10s
services:
  frontend: { replicas: 2, calls: [{ service: backend }] }
  backend: { replicas: 3 }
workload: [{ to: backend, rate: 50/s, via: kube-proxy }]
timeline: [{ at: 2s, kill: { service: backend, count: 1 } }]
`, 9e9);
  const real = w.inspect();
  const kp = real.kubeProxy!;

  it('is quiet on the real world, synced with the EndpointSlices after the kill', () => {
    expect(ALL_CHECKERS.kubeProxyFollowsEndpointSlices!(real, 'end')).toEqual([]);
    expect(kp.endpoints(1)).toHaveLength(3);
  });

  it('sees a gone endpoint kube-proxy kept, and a pod of another service', () => {
    const stale = Object.create(kp) as typeof kp;
    const frontend = real.deployments.pods(0)[0]!;
    stale.endpoints = (s: number) => (s === 1 ? [...kp.endpoints(s), frontend] : kp.endpoints(s));
    const problems = ALL_CHECKERS.kubeProxyFollowsEndpointSlices!({ ...real, kubeProxy: stale }, 'end');
    expect(problems[0]).toBe(`backend: kube-proxy routes to ${real.pods.names[frontend]}, a pod of another service`);
    expect(problems[1]).toMatch(new RegExp(`^backend: kube-proxy is synced with \\[\\d+,\\d+,\\d+,${frontend}\\] but the EndpointSlice lists \\[\\d+,\\d+,\\d+\\]$`));
  });
});

describe('checkers on every shipped scenario', () => {
  const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
  for (const file of files) {
    it(`${file}: every invariant holds after every action and at the end, for every variant`, () => {
      const scenario = parseScenario(readFileSync(`scenarios/${file}`, 'utf8'), `scenarios/${file}`);
      const variants = file.includes('4000') ? ['base'] : ['base', ...scenario.variants.map((v) => v.name)];
      for (const variant of variants) expect(() => runScenario(scenario, { variant, checkInvariants: true })).not.toThrow();
      // The 4000-pod files take a minute or two each on a 2-core machine (not a figure under test).
    }, file.includes('4000') ? 600_000 : undefined);
  }

  it('checking changes nothing: the same digests with checkers on and off', () => {
    const scenario = parseScenario(readFileSync('scenarios/rolling-deploy-503s.yaml', 'utf8'), 'rolling.yaml');
    const on = runScenario(scenario, { checkInvariants: true });
    const off = runScenario(scenario);
    expect(on.summary.digest).toBe(off.summary.digest);
    expect(on.summary.eventDigest).toBe(off.summary.eventDigest);
  });
});

describe('property: random timelines keep every invariant', () => {
  const action = fc.oneof(
    fc.record({ at: fc.integer({ min: 1, max: 24 }), scale: fc.record({ service: fc.constantFrom('api', 'db'), replicas: fc.integer({ min: 0, max: 6 }) }) }),
    fc.record({ at: fc.integer({ min: 1, max: 24 }), kill: fc.record({ service: fc.constantFrom('api', 'db'), count: fc.integer({ min: 1, max: 3 }), replace: fc.boolean() }) }),
    fc.record({ at: fc.integer({ min: 1, max: 24 }), rate: fc.record({ workload: fc.constant('users'), rate: fc.integer({ min: 0, max: 300 }).map((r) => `${r}/s`) }) }),
    fc.record({
      at: fc.integer({ min: 1, max: 24 }),
      rollout: fc.record({ service: fc.constantFrom('api', 'db'), maxSurge: fc.constantFrom('25%', '50%', 0, 1), maxUnavailable: fc.constantFrom('25%', 0, 1) }),
    }),
  );
  const mode = fc.constantFrom('classic', 'holdApplicationUntilProxyStarts', 'native');

  it('scale, kill, rate and rollout in any order: deployments converge, no dead endpoints, proxies converge, requests conserved', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 6 }), mode, fc.integer({ min: 0, max: 1000 }), (actions, startup, seed) => {
        const timeline = actions
          .map((a) => ({ ...a, at: `${a.at}s` }))
          .sort((x, y) => parseInt(x.at) - parseInt(y.at))
          .map((a) => JSON.stringify(a))
          .join('\n  - ');
        const yaml = `
duration: 40s
seed: ${seed}
mesh: { sidecar: { startup: ${startup} } }
services:
  web: { replicas: 2, calls: [{ service: api }] }
  api: { replicas: 3, app: { startupTime: 1s, readinessProbe: { periodSeconds: 1 }, startupCalls: [{ service: db, required: false }] }, calls: [{ service: db, probability: 0.5 }] }
  db: { replicas: 2, app: { shutdownDelay: 1s, readinessProbe: { periodSeconds: 2 } } }
workload: [{ name: users, to: web, rate: 100/s, end: 30s }]
${actions.length ? `timeline:\n  - ${timeline}` : ''}
`;
        // The last action is at 24 s at most: by 40 s every rollout, restart and push has settled.
        const s = scenarioFrom(yaml);
        const w = new World(s, seed, { checkInvariants: true });
        w.runUntil(s.duration, 1e8);
        expect(() => w.finish()).not.toThrow();
        expect(w.inspect().istiod.idle()).toBe(true);
      }),
      { seed: 13, numRuns: 150 },
    );
  });
});
