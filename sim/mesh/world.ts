import { Rng, Scheduler, type StopReason } from '../engine/index.ts';
import { MetricsRecorder, type SeriesSpec, type SeriesTotals, type TimeSeries } from '../metrics/index.ts';
import type { Scenario } from '../scenario/index.ts';
import type { AccessLogSink, MeshContext } from './context.ts';
import { Router } from './envoy/router.ts';
import { EventKind } from './event-kinds.ts';
import { logInFlightAtEnd } from './envoy/in-flight-log.ts';
import { Deployments } from './kube/deployment.ts';
import { NodePool } from './kube/nodes.ts';
import { PodNetwork } from './kube/pod-network.ts';
import { INGRESS_SERVICE, PodTable, READY } from './kube/pods.ts';
import { buildServiceModels, type ServiceModel } from './service-model.ts';
import { Timeline, type TimelineEntry } from './timeline.ts';
import { AppServer } from './traffic/app.ts';
import { NONE, RequestTable } from './traffic/requests.ts';
import { Workloads } from './traffic/workload.ts';

export interface WorldOptions {
  /** Receives one record per finished request (Envoy access log), if given. */
  accessLog?: AccessLogSink;
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
  private readonly deployments: Deployments;
  private readonly workloads: Workloads;
  private readonly timeline: Timeline;
  private readonly serviceIds: Map<string, number>;
  private readonly censusCounts: Float64Array;

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
    };
    this.serviceIds = new Map(services.map((s) => [s.name, s.id]));
    this.censusCounts = new Float64Array(series.length);
    this.router = new Router(this.ctx);
    this.app = new AppServer(this.ctx, this.router);
    this.deployments = new Deployments(this.ctx);
    const gateway = pods.create('istio-ingressgateway', INGRESS_SERVICE, -1, 0);
    pods.phase[gateway] = READY;
    this.workloads = new Workloads(this.ctx, this.router, gateway);
    this.timeline = new Timeline(this.ctx, this.deployments, this.workloads, (n) => this.serviceIds.get(n)!);
    this.wire();
    this.start();
  }

  runUntil(untilNs: number, maxEvents: number): StopReason {
    return this.sim.run(untilNs, maxEvents);
  }

  finish(): WorldResult {
    const { timeSeries, totals } = this.ctx.metrics.finish(this.census());
    logInFlightAtEnd(this.ctx, this.ctx.scenario.duration);
    return {
      timeSeries,
      totals,
      timeline: this.timeline.log,
      events: this.sim.eventsFired,
      digest: this.sim.digest(),
      podsCreated: this.ctx.pods.count - 1,
      readyAtEnd: this.ctx.services.map((s) => s.endpoints.size),
    };
  }

  get services(): readonly ServiceModel[] {
    return this.ctx.services;
  }

  private wire(): void {
    this.router.onEnded = (r, success) => {
      const rq = this.ctx.requests;
      const parent = rq.parent[r]!;
      if (parent !== NONE) this.app.onCallEnded(parent, rq.call[r]!, success);
      else if (rq.workload[r] !== NONE) this.workloads.onRootEnded(r);
    };
    this.app.onDrained = (pod) => this.deployments.onDrained(pod);
    this.deployments.onKill = (pod) => {
      this.app.abortJobs(pod);
      this.router.abortOutbound(pod);
    };
  }

  /**
   * Order matters at equal times (FIFO ties): interval ticks first, so a boundary's census sees
   * exactly the requests before it; then initial pods, the timeline, and the workloads.
   */
  private start(): void {
    const { sim, scenario, metrics } = this.ctx;
    for (let k = 1; k < metrics.intervals; k++) sim.post(k * metrics.intervalNs, EventKind.METRICS_TICK, k);
    this.ctx.services.forEach((s) => {
      for (let i = 0; i < s.replicas; i++) this.deployments.createPod(s.id, true);
    });
    scenario.timeline.forEach((e, i) => sim.post(e.at, EventKind.TIMELINE, i));
    this.workloads.start(scenario.workload, (n) => this.serviceIds.get(n)!);
  }

  private dispatch(kind: number, a: number, b: number): void {
    switch (kind) {
      case EventKind.REQUEST_ARRIVE:
        return this.app.onArrive(a, b);
      case EventKind.SERVICE_DONE:
        return this.app.onServiceDone(a, b);
      case EventKind.RESPONSE_ARRIVE:
        return this.router.onResponseArrive(a, b);
      case EventKind.ROUTE_TIMEOUT:
        return this.router.onTimeout(a, b);
      case EventKind.OPEN_LOOP_ARRIVAL:
        return this.workloads.onArrival(a, b);
      case EventKind.CLIENT_THINK_DONE:
        return this.workloads.onThinkDone(a);
      case EventKind.POD_READY:
        return this.deployments.onReady(a);
      case EventKind.POD_GRACE_EXPIRED:
        return this.deployments.onGraceExpired(a);
      case EventKind.TIMELINE:
        return this.timeline.apply(a);
      case EventKind.METRICS_TICK:
        return this.ctx.metrics.closeInterval(this.census());
      default:
        throw new Error(`unknown event kind ${kind}`);
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
