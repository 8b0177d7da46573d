import { compileDistribution, type DelayLine, type Sampler, type Scheduler } from '../engine/index.ts';
import type { Scenario, Service } from '../scenario/index.ts';
import type { ProbeTiming } from './kube/probes.ts';
import type { LbPolicy } from './envoy/load-balancer.ts';
import type { ClusterHealthConfig } from './envoy/cluster-health.ts';
import { compileHealthCheck } from './envoy/health-check.ts';
import { compileEnvoyOutlier, compileIstioOutlier } from './envoy/outlier-detection.ts';

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
  /** Envoy cluster health options, as every caller's proxy applies them. */
  health: ClusterHealthConfig;
  /** Whether callers keep per-proxy host health (active HC or outlier detection configured). */
  healthManaged: boolean;
  publishNotReadyAddresses: boolean;
}

export function buildServiceModels(scenario: Scenario, sim: Scheduler): ServiceModel[] {
  const names = Object.keys(scenario.services);
  const idOf = new Map(names.map((n, i) => [n, i]));
  return names.map((name, id) => compileService(name, id, scenario, idOf, sim));
}

function compileService(name: string, id: number, scenario: Scenario, idOf: Map<string, number>, sim: Scheduler): ServiceModel {
  const svc: Service = scenario.services[name]!;
  const health = compileHealth(svc);
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
    health,
    healthManaged: health.hc !== undefined || health.od !== undefined,
    publishNotReadyAddresses: svc.publishNotReadyAddresses,
  };
}

/** envoy.md §1.2, §1.6, §2.3, §4.7: the cluster's health options; Istio's DR mapping for OD. */
function compileHealth(svc: Service): ClusterHealthConfig {
  const { envoy } = svc;
  const istioOd = svc.trafficPolicy.outlierDetection;
  const od = envoy.outlierDetection ? compileEnvoyOutlier(envoy.outlierDetection) : istioOd ? compileIstioOutlier(istioOd) : undefined;
  // envoy.md §4.7: a DestinationRule with outlierDetection sets the panic threshold to minHealthPercent (default 0).
  const panic = envoy.healthyPanicThreshold ?? (istioOd ? istioOd.minHealthPercent : 50);
  return {
    hc: envoy.healthCheck ? compileHealthCheck(envoy.healthCheck) : undefined,
    od,
    priority: { overprovisioningFactor: 140, healthyPanicThreshold: panic },
    ignoreNewHosts: envoy.healthCheck !== undefined && envoy.ignoreNewHostsUntilFirstHc,
    ignoreHealthOnHostRemoval: envoy.ignoreHealthOnHostRemoval,
    legacyRemoval: envoy.edsHcRemoval === 'legacy',
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
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
