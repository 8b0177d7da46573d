import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../sim/run/index.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';

/**
 * One pod through its whole life in each startup mode, as exact event sequences. Constant
 * control-plane delays make the times exact: the proxy boots 1 s after the pod is created
 * (sidecar startTime), istiod builds its first config in 5 ms (pushCost.full, no endpoints)
 * and it arrives 5 ms later (xdsLatency).
 */
function lifeOf(startup: string, extra = '', timeline = '- { at: 10s, scale: { service: backend, replicas: 0 } }'): string[] {
  const events: string[] = [];
  runScenario(
    scenarioFrom(`
duration: 40s
mesh:
  sidecar: { startup: ${startup} }
  controlPlane: { endpointSliceDelay: 50ms, xdsLatency: 5ms }
services:
  backend: { replicas: 0, app: { startupTime: 2500ms, readinessProbe: { periodSeconds: 2 }${extra} } }
workload: [{ to: backend, rate: 1/s }]
timeline:
  - { at: 1s, scale: { service: backend, replicas: 1 } }
  ${timeline}
`),
    { podEvents: (atNs, pod, event) => pod === 'backend-0' && events.push(`${atNs / 1e6}ms ${event}`) },
  );
  return events;
}

describe('kubelet ordering per startup mode (kubernetes-istio.md §1.1-1.3, §2.4, §3.1-3.4)', () => {
  it('classic: app and proxy start together; Envoy drains 5 s after SIGTERM, then exits', () => {
    expect(lifeOf('classic')).toEqual([
      '1000ms proxy started',
      '1000ms app started', // §1.1: no gating between containers
      '2000ms proxy asks istiod for config',
      '2010ms proxy LIVE',
      '3000ms proxy ready', // startup probe's 1 s grid from the container start
      '3500ms app serving', // startupTime 2.5 s after the app started
      '5000ms app ready', // readiness probe instants 1 s, 3 s, 5 s: first >= 3.5 s
      '5000ms pod Ready', // §2.4: every container ready
      '10000ms pod deleted',
      '10000ms SIGTERM app', // no preStop: SIGTERM at once, to both containers
      '10000ms app stops accepting',
      '10000ms app exited', // nothing in flight
      '10000ms SIGTERM proxy',
      '10000ms proxy draining',
      '15000ms proxy exited', // terminationDrainDuration 5 s (§3.2)
      '15000ms pod gone',
    ]);
  });

  it('holdApplicationUntilProxyStarts: the app starts at the first 500 ms poll of pilot-agent wait after the proxy is LIVE', () => {
    expect(lifeOf('holdApplicationUntilProxyStarts').slice(0, 8)).toEqual([
      '1000ms proxy started',
      '2000ms proxy asks istiod for config',
      '2010ms proxy LIVE',
      '2500ms app started', // polls at 1.0, 1.5, 2.0, 2.5 s: first >= 2.01 s (§1.2)
      '3000ms proxy ready',
      '5000ms app serving',
      '6500ms app ready', // probe grid from the app's start: 2.5, 4.5, 6.5 s
      '6500ms pod Ready',
    ]);
  });

  it('native: the app starts when the sidecar startup probe passes; the sidecar drains from deletion and exits after the app', () => {
    expect(lifeOf('native')).toEqual([
      '1000ms proxy started',
      '2000ms proxy asks istiod for config',
      '2010ms proxy LIVE',
      '3000ms proxy ready',
      '3000ms app started', // §1.3: the restartable init container is Started
      '5500ms app serving',
      '7000ms app ready',
      '7000ms pod Ready',
      '10000ms pod deleted',
      '10000ms proxy draining (preStop drain)', // §3.4: preStop POST /drain
      '10000ms SIGTERM app',
      '10000ms app stops accepting',
      '10000ms app exited',
      '10000ms proxy exited', // SIGTERM after the last app container exited: exits at once
      '10000ms pod gone',
    ]);
  });

  it('a preStop sleep and a shutdown delay hold SIGTERM and the stop; SIGKILL comes at the grace period', () => {
    const events = lifeOf('classic', ', preStop: { sleep: 3s }, shutdownDelay: 40s');
    expect(events.slice(8)).toEqual([
      '10000ms pod deleted',
      '10000ms SIGTERM proxy',
      '10000ms proxy draining',
      '13000ms SIGTERM app', // after its 3 s preStop sleep
      '15000ms proxy exited', // the app still runs: its shutdownDelay keeps it accepting
      '40000ms SIGKILL', // terminationGracePeriodSeconds 30 from deletion
    ]);
  });

  it('a required startup call refused by a booting sidecar crashes the app; CrashLoopBackOff restarts it 10 s later', () => {
    const events: string[] = [];
    const result = runScenario(
      scenarioFrom(`
duration: 20s
mesh: { controlPlane: { endpointSliceDelay: 50ms, xdsLatency: 5ms } }
services:
  config: { replicas: 1 }
  backend: { replicas: 0, app: { startupCalls: [{ service: config }], readinessProbe: false } }
workload: [{ to: config, rate: 1/s }]
timeline: [{ at: 1s, scale: { service: backend, replicas: 1 } }]
`),
      { podEvents: (atNs, pod, event) => pod === 'backend-0' && events.push(`${atNs / 1e6}ms ${event}`) },
    );
    expect(events).toEqual([
      '1000ms proxy started',
      '1000ms app started',
      '1000ms app crashed (a required startup call failed)', // refused at once: no listener on 15001
      '2000ms proxy asks istiod for config',
      '2010.002ms proxy LIVE', // the full config now carries config's one endpoint (2 us)
      '3000ms proxy ready',
      '11000ms app started', // back-off 10 s after the crash
      '11001.5ms app serving', // its startup call now goes through: 250 us there, 1 ms of work, 250 us back
      '11001.5ms app ready', // no readiness probe: ready once it runs
      '11001.5ms pod Ready',
    ]);
    const backend = result.summary.services.find((s) => s.name === 'backend')!;
    expect(backend.appRestarts).toBe(1);
    const config = result.summary.services.find((s) => s.name === 'config')!;
    expect(config.codes['0']).toBe(1); // the refused call: no response at all
  });
});
