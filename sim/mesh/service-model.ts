import { compileDistribution, type DelayLine, type Sampler, type Scheduler } from '../engine/index.ts';
import type { Scenario, Service } from '../scenario/index.ts';
import type { ProbeTiming } from './kube/probes.ts';
import type { LbPolicy } from './envoy/load-balancer.ts';
import type { ClusterHealthConfig } from './envoy/cluster-health.ts';
import { compileHealthCheck } from './envoy/health-check.ts';
import { compileEnvoyOutlier, compileIstioOutlier } from './envoy/outlier-detection.ts';
import { compileCircuitBreaker, type CircuitBreakerThresholds } from './envoy/circuit-breaker.ts';
import { ISTIO_HOST_SELECTION_RETRY_MAX_ATTEMPTS, parseRetryOn, type RetryPolicy } from './envoy/retry-policy.ts';
import { compileAppClient, type AppClientPolicy } from './traffic/app-client-policy.ts';

export type SidecarStartup = 'classic' | 'holdApplicationUntilProxyStarts' | 'native';

/**
 * The upstream services each client's sidecar sends to, distinct, in first-use order: index 0 is
 * the ingress gateway (the workloads' targets), index id + 1 service id's pods (their calls, then
 * their startup calls). The router, host health and the pools all key per-client state by it.
 */
export function upstreamsByClient(scenario: Scenario, services: readonly ServiceModel[]): number[][] {
  // Clients without a sidecar (via: kube-proxy) never pass through the gateway's Envoy.
  const gateway = scenario.workload.filter((w) => w.via !== 'kube-proxy').map((w) => services.findIndex((s) => s.name === w.to));
  const targets = [gateway, ...services.map((s) => [...s.calls.map((c) => c.target), ...s.lifecycle.startupCalls.map((c) => c.target)])];
  // A routed call lands on its route's destinations' clusters (kubernetes-istio.md §6).
  return targets.map((ts) => [...new Set(ts.flatMap((t) => [t, ...(services[t]!.route?.destinations ?? [])]))]);
}

/**
 * A VirtualService http route with weighted destinations (kubernetes-istio.md §6): the calling
 * Envoy picks one per request. `weights` are the scenario's; istiod's pushes carry later ones
 * (a timeline `route:` shift) in ConfigVersion.routes.
 */
export interface RouteModel {
  destinations: Int32Array;
  weights: Uint32Array;
}

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
  /** The calling app's own HTTP client (tries, timeout, backoff); undefined: one try, no timeout. */
  client: AppClientPolicy | undefined;
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
  /** app.requestTimeout (Rack::Timeout's service_timeout): one delay line, armed per job. */
  requestTimeoutLine: DelayLine | undefined;
  /** The VirtualService retry policy for requests to this service (Istio's default when unset). */
  retry: RetryPolicy;
  /** Per-try timeouts that apply (perTryTimeout < a non-zero route timeout), on one timer line. */
  perTryLine: DelayLine | undefined;
  /** DestinationRule connectionPool and retryBudget for requests to this service. */
  breaker: CircuitBreakerThresholds;
  /** The app honours and passes on its callers' deadlines. */
  deadlinePropagation: boolean;
  /** Timeline `degrade`: serviceTime multiplier and the share of requests answered 500 (mutable). */
  serviceTimeFactor: number;
  errorRate: number;
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
  connectionPool: ConnectionPoolModel;
  /** The route for requests addressed to this service, if it has one. */
  route: RouteModel | undefined;
  /** Services whose pods its Kubernetes Service selects (itself and its route's destinations): kube-proxy's endpoints. */
  selects: number[];
}

export function buildServiceModels(scenario: Scenario, sim: Scheduler): ServiceModel[] {
  const names = Object.keys(scenario.services);
  const idOf = new Map(names.map((n, i) => [n, i]));
  const services = names.map((name, id) => compileService(name, id, scenario, idOf, sim));
  for (const owner of services) for (const d of owner.route?.destinations ?? []) if (d !== owner.id) takeRouteSettings(services[d]!, owner);
  return services;
}

/**
 * A route's destination is a subset of the routed service: its requests were addressed to that
 * service, so its VirtualService's timeout and retries apply (kubernetes-istio.md §6; validation
 * keeps the destination's own unset). Its DestinationRule settings stay its own.
 */
function takeRouteSettings(subset: ServiceModel, owner: ServiceModel): void {
  subset.timeoutNs = owner.timeoutNs;
  subset.timeoutLine = owner.timeoutLine;
  subset.retry = owner.retry;
  subset.perTryLine = owner.perTryLine;
}

function compileService(name: string, id: number, scenario: Scenario, idOf: Map<string, number>, sim: Scheduler): ServiceModel {
  const svc: Service = scenario.services[name]!;
  const health = compileHealth(svc);
  const calls: CallModel[] = [];
  const steps = svc.calls.map((step) =>
    ('parallel' in step ? step.parallel : [step]).map((c) => {
      calls.push({ target: idOf.get(c.service)!, probability: c.probability, required: c.required, client: compileAppClient(c.client) });
      return calls.length - 1;
    }),
  );
  const retry = compileRetryPolicy(svc);
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
    requestTimeoutLine: svc.app.requestTimeout > 0 ? sim.createDelayLine(svc.app.requestTimeout) : undefined,
    retry,
    perTryLine: retry.perTryTimeoutNs > 0 ? sim.createDelayLine(retry.perTryTimeoutNs) : undefined,
    breaker: compileCircuitBreaker(svc.trafficPolicy.connectionPool, svc.trafficPolicy.retryBudget),
    deadlinePropagation: svc.app.deadlinePropagation,
    serviceTimeFactor: 1,
    errorRate: 0,
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
    health,
    healthManaged: health.hc !== undefined || health.od !== undefined,
    publishNotReadyAddresses: svc.publishNotReadyAddresses,
    route: svc.route && {
      destinations: Int32Array.from(svc.route, (d) => idOf.get(d.destination)!),
      weights: Uint32Array.from(svc.route, (d) => d.weight),
    },
    // The Kubernetes Service selects its own pods and its destinations' (the canary's pods carry its label too).
    selects: [...new Set([id, ...(svc.route ?? []).map((d) => idOf.get(d.destination)!)])],
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

/** envoy.md §4.1-4.6: Istio's route retry policy, as Envoy's RetryPolicy. */
function compileRetryPolicy(svc: Service): RetryPolicy {
  const r = svc.retries;
  const on = parseRetryOn(r.retryOn);
  const baseMs = Math.max(1, Math.round(r.backoff / 1e6));
  // envoy.md §4.3: a per-try timeout >= a non-zero route timeout is ignored (router.cc:256-258);
  // §4.6: Istio's attempts 0 sets no retry policy at all, so no per-try timeout either.
  const perTry = r.attempts === 0 || (svc.timeout > 0 && r.perTryTimeout >= svc.timeout) ? 0 : r.perTryTimeout;
  return {
    numRetries: r.attempts,
    retryOn: on.bits,
    retriableStatusCodes: on.codes,
    perTryTimeoutNs: perTry,
    baseIntervalMs: baseMs,
    maxIntervalMs: 10 * baseMs,
    hostSelectionRetryMaxAttempts: ISTIO_HOST_SELECTION_RETRY_MAX_ATTEMPTS,
    // envoy.md §4.6: previous_hosts is omitted for consistent-hash LBs; meshsim has none.
    previousHosts: true,
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
