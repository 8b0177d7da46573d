import { Rng, Scheduler, type StopReason } from '../engine/index.ts';
import { MetricsRecorder, type SeriesSpec, type SeriesTotals, type TimeSeries } from '../metrics/index.ts';
import type { Scenario } from '../scenario/index.ts';
import type { AccessLogSink, MeshContext, PodEventSink } from './context.ts';
import { ProxyConfigs } from './envoy/proxy-config.ts';
import { Router } from './envoy/router.ts';
import { HostHealth } from './envoy/host-health.ts';
import { proxyConfigDump, type ProxyConfigDump } from './envoy/proxy-config-dump.ts';
import { healthCensus, healthSummary, type ServiceHealthSummary } from './envoy/health-census.ts';
import { runCheckers, type CheckPoint } from './checkers/checkers.ts';
import type { WorldInspection } from './checkers/inspection.ts';
import { EventKind } from './event-kinds.ts';
import { logInFlightAtEnd } from './envoy/access-log-record.ts';
import { Istiod, type PushRecord } from './istio/istiod.ts';
import { proxyStatusRows, type ProxyStatusRow } from './istio/proxy-status.ts';
import { Deployments } from './kube/deployment.ts';
import { EndpointSliceController } from './kube/endpoint-slices.ts';
import { Kubelet } from './kube/kubelet.ts';
import { NodePool } from './kube/nodes.ts';
import { PodNetwork } from './kube/pod-network.ts';
import { CLIENTS_WITHOUT_SIDECAR_NAME, GATEWAY_NAME, INGRESS_SERVICE, PodTable, PROXY_LIVE, READY, STARTING, TERMINATING } from './kube/pods.ts';
import { buildServiceModels, type ServiceModel } from './service-model.ts';
import { Timeline, type TimelineEntry } from './timeline.ts';
import { callDepths, reachPerRootRequest, routeShares, type CallGraph } from './amplification.ts';
import { KubeProxy } from './kube/kube-proxy.ts';
import { AppServer } from './traffic/app.ts';
import { AppClient } from './traffic/app-client.ts';
import { JOB_CALLING, NONE, RequestTable, ROW_APP_CALL } from './traffic/requests.ts';
import { Workloads } from './traffic/workload.ts';
import { Connections, type ConnectionsResult } from './connections.ts';

export interface WorldOptions {
  /** Receives one record per finished request (Envoy access log), if given. */
  accessLog?: AccessLogSink;
  /** Receives every pod lifecycle step (container starts, readiness, signals, exits). */
  podEvents?: PodEventSink;
  /** Check the world's invariants after every timeline action and at the end (checkers/). */
  checkInvariants?: boolean;
  /** Times at which to record every proxy's config status (like `istioctl proxy-status`). */
  proxyStatusAtNs?: readonly number[];
  /** One proxy's endpoints of one cluster at a time (like `istioctl proxy-config endpoint`). */
  proxyConfigAt?: readonly ProxyConfigRequest[];
  /** Give every active health check its own event (no dormant sessions): the test that compares. */
  eagerHealthChecks?: boolean;
}

/** `--proxy-config SERVICE/POD@T`: the cluster of SERVICE as pod POD's sidecar sees it at T. */
export interface ProxyConfigRequest {
  service: string;
  pod: string;
  atNs: number;
}

/** Every proxy's config status at one time. */
export interface ProxyStatusSnapshot {
  atNs: number;
  latestVersion: number;
  rows: ProxyStatusRow[];
}

export interface WorldResult {
  timeSeries: TimeSeries;
  totals: SeriesTotals[];
  timeline: TimelineEntry[];
  events: number;
  digest: string;
  podsCreated: number;
  /** Ready pods per service at the end. */
  readyAtEnd: number[];
  pushes: PushRecord[];
  initialConfigDelaysNs: number[];
  proxyStatus: ProxyStatusSnapshot[];
  /** Per service, the durations of the rollouts that finished. */
  rolloutDurationsNs: number[][];
  /** Per-proxy endpoint views asked for with proxyConfigAt. */
  proxyConfigs: ProxyConfigDump[];
  /** Per service whose callers keep host health (active HC / outlier detection). */
  health: ServiceHealthSummary[];
  /** Per service: expected calls to it per request of each workload, and its depth (amplification.ts). */
  reach: Float64Array[];
  /** Each routed service with its destinations (route-groups.ts shares their nominal load out). */
  routeGroups: number[][];
  depths: number[];
  /** Connections and conntrack, when cluster.conntrack.enabled. */
  connections: ConnectionsResult | null;
  /** With checkInvariants: the check points every checker ran at (after each timeline action, the end). */
  invariantCheckPoints: number | null;
}

/**
 * The simulated cluster: builds every component from a validated scenario, wires them, and
 * dispatches the engine's events to them. Pure: no I/O, no wall clock, randomness only from
 * the seed's named streams.
 */
export class World {
  readonly sim: Scheduler;
  readonly ctx: MeshContext;
  private readonly router: Router;
  private readonly app: AppServer;
  private readonly appClient: AppClient;
  private readonly deployments: Deployments;
  private readonly kubelet: Kubelet;
  private readonly istiod: Istiod;
  private readonly endpointSlices: EndpointSliceController;
  private readonly configs = new ProxyConfigs();
  private readonly options: WorldOptions;
  private readonly proxyStatus: ProxyStatusSnapshot[] = [];
  private readonly proxyConfigDumps: ProxyConfigDump[] = [];
  private readonly health: HostHealth;
  private readonly workloads: Workloads;
  private readonly timeline: Timeline;
  private readonly serviceIds: Map<string, number>;
  private readonly censusCounts: Float64Array;
  /** kube-proxy's rules, when some workload's clients have no sidecar. */
  private kubeProxy: KubeProxy | undefined;
  /** Connection pools and conntrack tables; undefined unless cluster.conntrack.enabled (no cost then). */
  readonly connections: Connections | undefined;
  /** Check points so far (checkInvariants). */
  private checkPoints = 0;

  constructor(scenario: Scenario, seed: number, options: WorldOptions = {}) {
    this.sim = new Scheduler((kind, a, b) => this.dispatch(kind, a, b));
    const rng = new Rng(seed);
    const services = buildServiceModels(scenario, this.sim);
    const pods = new PodTable(rng);
    const series: SeriesSpec[] = [
      ...services.map((s): SeriesSpec => ({ name: s.name, kind: 'service' })),
      ...scenario.workload.map((w): SeriesSpec => ({ name: w.name, kind: 'workload' })),
    ];
    this.ctx = {
      sim: this.sim,
      rng,
      scenario,
      services,
      pods,
      nodes: new NodePool(scenario.cluster.nodes, rng.stream('kube/scheduler')),
      network: new PodNetwork(pods, scenario.cluster.network.sameNode, scenario.cluster.network.crossNode),
      requests: new RequestTable(4096, scenario.limits.maxInFlightRequests),
      metrics: new MetricsRecorder(series, scenario.duration, scenario.metrics.interval, scenario.metrics.warmup),
      workloadSeriesBase: services.length,
      accessLog: options.accessLog,
      podEvents: options.podEvents,
    };
    this.serviceIds = new Map(services.map((s) => [s.name, s.id]));
    this.censusCounts = new Float64Array(series.length);
    this.options = options;
    this.health = new HostHealth(this.ctx, !options.eagerHealthChecks);
    this.configs.onApplied = (p, c, steady, previous) => {
      this.health.onConfigApplied(p, c, steady);
      this.connections?.onConfigApplied(p, c, previous);
    };
    this.configs.onDropped = (p) => this.health.dropProxy(p);
    this.router = new Router(this.ctx, this.configs, this.health);
    this.app = new AppServer(this.ctx, this.router);
    if (this.health.enabled) this.app.onBusy = (pod) => this.health.wake(pod);
    this.appClient = new AppClient(this.ctx, this.router);
    this.app.appClient = this.appClient;
    if (scenario.cluster.conntrack.enabled) {
      const connections = new Connections(this.ctx, (r, code, flags, fromPod, detail) => this.router.deliverUpstream(r, code, flags, fromPod, detail));
      this.router.sendUpstream = (r, latencyNs) => connections.pools.dispatch(r, latencyNs);
      // envoy.md §4.3: the per-try timer starts when the pool puts the request on a connection.
      this.router.pooledConnections = true;
      connections.pools.onSent = (a) => this.router.onAttemptSent(a);
      connections.pools.mayWait = (a) => this.router.mayWaitForConnection(a);
      connections.pools.mayAttach = (a) => this.router.mayAttach(a);
      connections.pools.onOverflow = (a) => this.router.poolOverflow(a);
      this.router.resetUpstream = (a) => connections.pools.onReset(a);
      // envoy.md §2.3 item 8: hosts leaving a proxy's own set, failing HC or ejected drain its pools to them.
      this.health.drainHost = (proxy, pod) => connections.pools.drainHost(proxy, pod);
      this.connections = connections;
    }
    this.kubelet = new Kubelet(this.ctx, {
      connectProxy: (pod) => this.istiod.connect(pod),
      disconnectProxy: (pod) => this.istiod.disconnect(pod),
      abortInbound: (pod) => this.app.abortJobs(pod),
      abortOutbound: (pod) => this.router.abortOutbound(pod),
      // Envoy's sockets close with its process, before the pod is gone (the app may still run).
      sidecarExited: (pod) => this.connections?.pools.closePod(pod),
      sendStartupCall: (pod, i) => this.sendStartupCall(pod, i),
      podChanged: (pod) => this.podChanged(pod),
      podGone: (pod) => this.podGone(pod),
      appRestarted: (pod) => this.ctx.metrics.appRestart(pods.service[pod]!),
      containersChanged: (pod) => this.health.wake(pod),
    });
    this.deployments = new Deployments(this.ctx, this.kubelet);
    // publishNotReadyAddresses lists a pod from its creation, so creation is an endpoint change.
    this.deployments.onCreated = (pod) => {
      if (services[pods.service[pod]!]!.publishNotReadyAddresses) this.endpointSlices?.podChanged(pods.service[pod]!);
    };
    this.endpointSlices = new EndpointSliceController(this.ctx, (s) => this.deployments.pods(s), (s, endpoints, first) => {
      this.istiod.onEndpointSlice(s, endpoints, first);
      this.kubeProxy?.onEndpointSlice(s, endpoints);
    });
    const gateway = pods.create(GATEWAY_NAME, INGRESS_SERVICE, -1, 0);
    pods.phase[gateway] = READY;
    pods.proxy[gateway] = PROXY_LIVE;
    this.deployments.createInitialPods();
    this.istiod = new Istiod(this.ctx, this.configs, services.map((s) => this.endpointSlices.endpoints(s.id)));
    this.istiod.onConfigured = (pod) => this.kubelet.onProxyConfigured(pod);
    for (let p = 0; p < pods.count; p++) this.istiod.connectSynced(p);
    this.workloads = new Workloads(this.ctx, this.router, gateway);
    if (scenario.workload.some((w) => w.via === 'kube-proxy')) this.addClientsWithoutSidecar(services);
    this.timeline = new Timeline(this.ctx, this.deployments, this.workloads, (n) => this.serviceIds.get(n)!);
    this.timeline.routeWeights = (s) => this.istiod.routeWeights(s)!;
    this.timeline.setRouteWeights = (s, weights) => this.istiod.setRouteWeights(s, weights);
    this.ctx.metrics.setReach(services.length, services.length, reachPerRootRequest(this.callGraph()), this.routeGroups());
    this.wire();
    this.start();
  }

  /**
   * Clients without a sidecar (workloads via kube-proxy): kube-proxy's view of the Services, and a
   * pseudo-pod that stands for them as the requests' client (made after every proxy connected to
   * istiod, so it is none; and only when used, so no other pod's id moves).
   */
  private addClientsWithoutSidecar(services: readonly ServiceModel[]): void {
    const pods = this.ctx.pods;
    this.kubeProxy = new KubeProxy(this.ctx, services.map((s) => this.endpointSlices.endpoints(s.id)));
    const client = pods.create(CLIENTS_WITHOUT_SIDECAR_NAME, INGRESS_SERVICE, -1, 0);
    pods.phase[client] = READY;
    pods.proxy[client] = PROXY_LIVE;
    this.router.clientWithoutSidecar = client;
    this.workloads.kubeProxy = this.kubeProxy;
  }

  runUntil(untilNs: number, maxEvents: number): StopReason {
    return this.sim.run(untilNs, maxEvents);
  }

  finish(): WorldResult {
    this.check('end');
    this.podCensus();
    healthCensus(this.ctx, this.health);
    const { timeSeries, totals } = this.ctx.metrics.finish(this.census());
    const graph = this.callGraph();
    logInFlightAtEnd(this.ctx, this.ctx.scenario.duration);
    return {
      timeSeries,
      totals,
      timeline: this.timeline.log,
      events: this.sim.eventsFired,
      digest: this.sim.digest(),
      podsCreated: this.ctx.pods.count - (this.kubeProxy ? 2 : 1),
      readyAtEnd: this.ctx.services.map((s) => this.endpointSlices.readyEndpoints(s.id).length),
      pushes: this.istiod.pushes,
      initialConfigDelaysNs: this.istiod.initialConfigDelaysNs,
      proxyStatus: this.proxyStatus,
      rolloutDurationsNs: this.ctx.services.map((s) => [...this.deployments.rolloutDurations(s.id)]),
      proxyConfigs: this.proxyConfigDumps,
      health: healthSummary(this.ctx, this.health.settled(this.ctx.scenario.duration)),
      reach: reachPerRootRequest(graph),
      routeGroups: this.routeGroups(),
      depths: callDepths(graph),
      connections: this.connections?.result() ?? null,
      invariantCheckPoints: this.options.checkInvariants ? this.checkPoints : null,
    };
  }

  callGraph(): CallGraph {
    const services = this.ctx.services;
    const workloadTargets = this.ctx.scenario.workload.map((w) => {
      const target = this.serviceIds.get(w.to)!;
      if (w.via !== 'kube-proxy') return routeShares(services, target);
      // kube-proxy spreads over the selected services' pods: shares by their initial replicas.
      const selects = services[target]!.selects;
      const pods = selects.reduce((n, s) => n + services[s]!.replicas, 0);
      return selects.map((s) => ({ service: s, share: pods === 0 ? 1 / selects.length : services[s]!.replicas / pods }));
    });
    return { workloadTargets, services };
  }

  /** Each routed service with its route's destinations: who shares the requests addressed to it. */
  routeGroups(): number[][] {
    return this.ctx.services.filter((s) => s.route).map((s) => s.selects);
  }

  get services(): readonly ServiceModel[] {
    return this.ctx.services;
  }

  private wire(): void {
    this.router.onEnded = (r, success) => {
      const rq = this.ctx.requests;
      this.connections?.pools.requestEnded(r);
      const parent = rq.parent[r]!;
      if (parent !== NONE) {
        // A recycled parent row (its job was reset and answered meanwhile) is never notified.
        if (rq.gen[parent] !== rq.parentGen[r]) return;
        if (rq.kind[parent] === ROW_APP_CALL) this.appClient.onTryEnded(parent, r, success);
        else this.app.onCallEnded(parent, rq.call[r]!, success);
      } else if (rq.workload[r] !== NONE) this.workloads.onRootEnded(r);
      else this.kubelet.onStartupCallEnded(rq.client[r]!, rq.workloadClient[r]!, rq.call[r]!, success);
    };
    this.app.onIdle = (pod) => this.kubelet.onAppIdle(pod);
    this.appClient.onDone = (job, jobGen, call, success) => {
      const rq = this.ctx.requests;
      if (rq.gen[job] === jobGen && rq.jobState[job] === JOB_CALLING) this.app.onCallEnded(job, call, success);
    };
  }

  /** An app's startup call goes out through its sidecar; its epoch rides in workloadClient. */
  private sendStartupCall(pod: number, index: number): void {
    const pods = this.ctx.pods;
    const call = this.ctx.services[pods.service[pod]!]!.lifecycle.startupCalls[index]!;
    this.router.send(pod, call.target, NONE, index, NONE, pods.appEpoch[pod]!);
  }

  /** A pod's last container exited: a DRAINING endpoint (drainingEndpoints) leaves EDS now. */
  private podGone(pod: number): void {
    // Connections from and to it close, and the requests waiting for one to it fail (connection-pool.ts).
    this.connections?.pools.closePod(pod);
    this.health.podGone();
    if (this.ctx.scenario.mesh.controlPlane.drainingEndpoints) this.endpointSlices.podChanged(this.ctx.pods.service[pod]!);
    this.deployments.podGone(pod);
  }

  private podChanged(pod: number): void {
    this.endpointSlices.podChanged(this.ctx.pods.service[pod]!);
    this.deployments.podChanged(pod);
  }

  /**
   * Order matters at equal times (FIFO ties): interval ticks first, so a boundary's census sees
   * exactly the requests before it; then initial pods, the timeline, and the workloads.
   */
  private start(): void {
    const { sim, scenario, metrics } = this.ctx;
    for (let k = 1; k < metrics.intervals; k++) sim.post(k * metrics.intervalNs, EventKind.METRICS_TICK, k);
    (this.options.proxyStatusAtNs ?? []).forEach((t, i) => sim.post(Math.min(t, scenario.duration), EventKind.INSPECT, i));
    (this.options.proxyConfigAt ?? []).forEach((r, i) => sim.post(Math.min(r.atNs, scenario.duration), EventKind.PROXY_CONFIG_DUMP, i));
    scenario.timeline.forEach((e, i) => sim.post(e.at, EventKind.TIMELINE, i));
    this.workloads.start(scenario.workload, (n) => this.serviceIds.get(n)!);
    this.connections?.start();
  }

  private dispatch(kind: number, a: number, b: number): void {
    switch (kind) {
      case EventKind.REQUEST_ARRIVE:
        return this.app.onArrive(a, b);
      case EventKind.SERVICE_DONE:
        return this.app.onServiceDone(a, b);
      case EventKind.RESPONSE_ARRIVE:
        // A stale event (generation b not the row's) throws in onResponseArrive's check: no run goes on past one.
        this.connections?.pools.onResponse(a);
        return this.router.onResponseArrive(a, b);
      case EventKind.ROUTE_TIMEOUT:
        return this.router.onTimeout(a, b);
      case EventKind.OPEN_LOOP_ARRIVAL:
        return this.workloads.onArrival(a, b);
      case EventKind.CLIENT_THINK_DONE:
        return this.workloads.onThinkDone(a);
      case EventKind.POD_GRACE_EXPIRED:
        return this.kubelet.onGraceExpired(a);
      case EventKind.TIMELINE:
        this.timeline.apply(a);
        return this.check('action');
      case EventKind.SYN_RETRANSMIT:
      case EventKind.TCP_CONNECT_GIVE_UP:
      case EventKind.CONNECT_TIMEOUT:
      case EventKind.CONNTRACK_TICK:
        return this.connections!.dispatch(kind, a, b);
      case EventKind.METRICS_TICK:
        this.connections?.closeInterval();
        this.podCensus();
        healthCensus(this.ctx, this.health);
        return this.ctx.metrics.closeInterval(this.census());
      case EventKind.PROXY_BOOTED:
        return this.kubelet.onProxyBooted(a);
      case EventKind.PROXY_INITIAL_FETCH_TIMEOUT:
        return this.kubelet.onInitialFetchTimeout(a);
      case EventKind.PROXY_PROBE_PASSED:
        return this.kubelet.onProxyProbePassed(a);
      case EventKind.APP_START:
        return this.kubelet.onAppStart(a, b);
      case EventKind.APP_SERVING:
        return this.kubelet.onAppServing(a, b);
      case EventKind.APP_PROBE_PASSED:
        return this.kubelet.onAppProbePassed(a, b);
      case EventKind.CONTAINER_SIGTERM:
        return this.kubelet.onSigterm(a, b);
      case EventKind.APP_STOP_ACCEPTING:
        return this.kubelet.onAppStopAccepting(a, b);
      case EventKind.PROXY_DRAIN_DONE:
        return this.kubelet.onProxyDrainDone(a);
      case EventKind.POD_SIGKILL:
        return this.kubelet.onSigkill(a);
      case EventKind.POD_AVAILABLE:
        return this.deployments.onAvailable(a);
      case EventKind.KUBE_PROXY_SYNC:
        return this.kubeProxy!.onSync();
      case EventKind.ENDPOINT_SLICE_SYNC:
        return this.endpointSlices.onSync(a);
      case EventKind.ISTIOD_DEBOUNCE:
        return this.istiod.onDebounceTimer();
      case EventKind.XDS_APPLY:
        return this.istiod.onApply(a);
      case EventKind.RECONCILE:
        return this.deployments.onReconcile(a);
      case EventKind.INSPECT:
        return this.recordProxyStatus();
      case EventKind.HC_CHECK:
        return this.health.onCheck(a, b);
      case EventKind.HC_RESULT:
        return this.health.onCheckResult(a, b);
      case EventKind.OUTLIER_TICK:
        return this.health.onOutlierTick(a);
      case EventKind.PROXY_CONFIG_DUMP:
        this.proxyConfigDumps.push(proxyConfigDump(this.ctx, this.options.proxyConfigAt![a]!, this.health, this.configs, this.router));
        return;
      case EventKind.PER_TRY_TIMEOUT:
        return this.router.onPerTryTimeout(a, b);
      case EventKind.RETRY_BACKOFF:
        return this.router.onRetryBackoff(a, b);
      case EventKind.APP_CALL_TIMEOUT:
        return this.appClient.onTimeout(a, b);
      case EventKind.APP_CALL_RETRY:
        return this.appClient.onRetry(a, b);
      case EventKind.DEGRADE_END:
        return this.timeline.endDegrade(a);
      case EventKind.APP_REQUEST_TIMEOUT:
        return this.app.onRequestTimeout(a, b);
      default:
        throw new Error(`unknown event kind ${kind}`);
    }
  }

  private check(at: CheckPoint): void {
    if (!this.options.checkInvariants) return;
    runCheckers(this.inspect(), at);
    this.checkPoints++;
  }

  /** The read-only view checkers observe the world through. */
  inspect(): WorldInspection {
    const { ctx, deployments, endpointSlices, istiod } = this;
    return {
      nowNs: ctx.sim.nowNs,
      scenario: ctx.scenario,
      serviceNames: ctx.services.map((s) => s.name),
      pods: ctx.pods,
      requests: ctx.requests,
      deployments: {
        desired: (s) => deployments.desired(s),
        active: (s) => deployments.active(s),
        pods: (s) => deployments.pods(s),
        targetPods: (s) => deployments.targetPods(s),
        rolloutInProgress: (s) => deployments.rolloutInProgress(s),
        reconcilePending: (s) => deployments.reconcilePending(s),
        rolloutBounds: (s) => deployments.rolloutBounds(s),
      },
      endpointSlices: {
        readyEndpoints: (s) => endpointSlices.readyEndpoints(s),
        endpoints: (s) => endpointSlices.endpoints(s).pods,
        pending: (s) => endpointSlices.pending(s),
      },
      istiod: {
        current: istiod.current,
        connectedProxies: istiod.connectedProxies,
        knownEndpoints: (s) => istiod.knownEndpoints(s),
        idle: () => istiod.idle(),
        pushesInFlight: () => istiod.pushesInFlight(),
        pushThrottle: () => istiod.pushThrottle(),
      },
      configs: this.configs,
      startedPerSeries: (s) => ctx.metrics.startedSoFar(s),
      endedPerSeries: (s) => ctx.metrics.endedSoFar(s),
      startedInWindow: (s, from, to) => ctx.metrics.startedIn(s, from, to),
      intervalNs: ctx.metrics.intervalNs,
      workloadSeriesBase: ctx.workloadSeriesBase,
      connections: this.connections?.pools,
      kubeProxy: this.kubeProxy,
    };
  }

  private recordProxyStatus(): void {
    const { pods, sim } = this.ctx;
    this.proxyStatus.push({
      atNs: sim.nowNs,
      latestVersion: this.istiod.current.version,
      rows: proxyStatusRows(pods, this.configs, this.istiod),
    });
  }

  /** Each service's pods by phase, for the interval closing now. */
  private podCensus(): void {
    const { pods, metrics } = this.ctx;
    for (const s of this.ctx.services) {
      let starting = 0;
      let ready = 0;
      let terminating = 0;
      for (const p of this.deployments.pods(s.id)) {
        const phase = pods.phase[p];
        if (phase === STARTING) starting++;
        else if (phase === READY) ready++;
        else if (phase === TERMINATING) terminating++;
      }
      metrics.podCensus(s.id, starting, ready, terminating);
    }
  }

  /** Open requests per series, counted from the request table itself. */
  private census(): Float64Array {
    const counts = this.censusCounts.fill(0);
    const rq = this.ctx.requests;
    const base = this.ctx.workloadSeriesBase;
    rq.forEachOpenClient((r) => {
      counts[rq.service[r]!]! += 1;
      const w = rq.workload[r]!;
      if (w !== NONE) counts[base + w]! += 1;
    });
    return counts;
  }
}
