import { compileDistribution, type DelayLine, type Sampler, type Scheduler } from '../engine/index.ts';
import type { Scenario, Service } from '../scenario/index.ts';
import type { ProbeTiming } from './kube/probes.ts';
import type { LbPolicy } from './envoy/load-balancer.ts';

export type SidecarStartup = 'classic' | 'holdApplicationUntilProxyStarts' | 'native';

/** How a service's pods start and stop: its sidecar settings (mesh.sidecar + services.X.sidecar) and the app's. */
export interface PodLifecycle {
  startup: SidecarStartup;
  proxyStart: Sampler;
  drainNs: number;
  initialFetchTimeoutNs: number;
  proxyPreStopNs: number;
  appPreStopNs: number;
  shutdownDelayNs: number;
  graceNs: number;
  readinessProbe: ProbeTiming | undefined;
  startupCalls: { target: number; required: boolean }[];
  /** Envoy worker threads of these pods' sidecars (ProxyConfig.concurrency). */
  workers: number;
}

/** DestinationRule connectionPool for connections to a service (envoy.md §4.7, conntrack.md §3.1). */
export interface ConnectionPoolModel {
  connectTimeoutNs: number;
  idleTimeoutNs: number;
  /** 0 = unlimited. */
  maxRequestsPerConnection: number;
  http2: boolean;
}

/** One downstream call a service makes, resolved to ids. */
export interface CallModel {
  target: number;
  probability: number;
  required: boolean;
}

/**
 * A service as the simulation uses it: names resolved to ids, distributions compiled, its
 * endpoints (EDS) and the route-timeout timer line for requests to it.
 */
export interface ServiceModel {
  id: number;
  name: string;
  /** Envoy cluster name, as Istio names outbound clusters. */
  cluster: string;
  replicas: number;
  serviceTime: Sampler;
  concurrency: number;
  startup: Sampler;
  /** Route timeout for requests to this service; 0 = none (Istio's default). */
  timeoutNs: number;
  timeoutLine: DelayLine | undefined;
  lbPolicy: LbPolicy;
  /** Call steps in order; each step lists indexes into `calls` made at once. */
  steps: number[][];
  calls: CallModel[];
  lifecycle: PodLifecycle;
  connectionPool: ConnectionPoolModel;
}

export function buildServiceModels(scenario: Scenario, sim: Scheduler): ServiceModel[] {
  const names = Object.keys(scenario.services);
  const idOf = new Map(names.map((n, i) => [n, i]));
  return names.map((name, id) => compileService(name, id, scenario, idOf, sim));
}

function compileService(name: string, id: number, scenario: Scenario, idOf: Map<string, number>, sim: Scheduler): ServiceModel {
  const svc: Service = scenario.services[name]!;
  const calls: CallModel[] = [];
  const steps = svc.calls.map((step) =>
    ('parallel' in step ? step.parallel : [step]).map((c) => {
      calls.push({ target: idOf.get(c.service)!, probability: c.probability, required: c.required });
      return calls.length - 1;
    }),
  );
  return {
    id,
    name,
    cluster: `outbound|8080||${name}.default.svc.cluster.local`,
    replicas: svc.replicas,
    serviceTime: compileDistribution(svc.app.serviceTime),
    concurrency: svc.app.concurrency,
    startup: compileDistribution(svc.app.startupTime),
    timeoutNs: svc.timeout,
    timeoutLine: svc.timeout > 0 ? sim.createDelayLine(svc.timeout) : undefined,
    lbPolicy: svc.trafficPolicy.loadBalancer.simple,
    steps,
    calls,
    lifecycle: compileLifecycle(scenario, svc, idOf),
    connectionPool: {
      connectTimeoutNs: svc.trafficPolicy.connectionPool.tcp.connectTimeout ?? scenario.mesh.connectTimeout,
      idleTimeoutNs: svc.trafficPolicy.connectionPool.http.idleTimeout,
      maxRequestsPerConnection: svc.trafficPolicy.connectionPool.http.maxRequestsPerConnection,
      http2: svc.trafficPolicy.connectionPool.http.h2UpgradePolicy === 'UPGRADE',
    },
  };
}

function compileLifecycle(scenario: Scenario, svc: Service, idOf: Map<string, number>): PodLifecycle {
  const sidecar = { ...scenario.mesh.sidecar, ...stripUndefined(svc.sidecar ?? {}) };
  const probe = svc.app.readinessProbe;
  return {
    startup: sidecar.startup,
    proxyStart: compileDistribution(sidecar.startTime),
    drainNs: sidecar.terminationDrainDuration,
    initialFetchTimeoutNs: sidecar.initialFetchTimeout,
    proxyPreStopNs: sidecar.preStop?.sleep ?? 0,
    appPreStopNs: svc.app.preStop?.sleep ?? 0,
    shutdownDelayNs: svc.app.shutdownDelay,
    graceNs: svc.terminationGracePeriodSeconds * 1e9,
    readinessProbe: probe === false ? undefined : probe,
    startupCalls: svc.app.startupCalls.map((c) => ({ target: idOf.get(c.service)!, required: c.required })),
    workers: sidecar.concurrency,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
