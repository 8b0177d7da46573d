import { compileDistribution, type RandomStream, type Sampler } from '../../engine/index.ts';
import type { MeshContext } from '../context.ts';
import { EventKind } from '../event-kinds.ts';
import { READY, STARTING, TERMINATING } from './pods.ts';

/** What istiod sends for a service: serving endpoints, then `draining` DRAINING ones at the end. */
export interface ServiceEndpoints {
  pods: number[];
  draining: number;
}

/** Receives a service's endpoints as the EndpointSlice controller (or pod watch) last wrote them. */
export type EndpointSliceSink = (service: number, endpoints: ServiceEndpoints, firstChangeNs: number) => void;

/**
 * The EndpointSlice controller and the watch that carries its writes to istiod, as one delay
 * per sync (kubernetes-istio.md §3.6, §4.1): a pod change marks its service; the sync, after
 * `endpointSliceDelay`, reads the service's pods as they are then and writes them, so changes
 * made while a sync is pending join it (the controller's work queue dedups by service).
 *
 * Terminating pods are listed as terminating with ready=false (KEP-1672, §3.5) and Istio filters
 * terminating endpoints out of EDS, so what reaches istiod here is the Ready, not-deleted pods.
 * A Service with publishNotReadyAddresses lists its pods from creation, ready or not (leaving
 * traffic gating to Envoy's active HC). With mesh.controlPlane.drainingEndpoints the control
 * plane also watches Pods and sends a terminating pod as DRAINING until it is gone (§3.8, Lyft).
 */
export class EndpointSliceController {
  private readonly ctx: MeshContext;
  private readonly podsOf: (service: number) => readonly number[];
  private readonly sink: EndpointSliceSink;
  private readonly delay: Sampler;
  private readonly random: RandomStream;
  private readonly pendingSync: Uint8Array;
  private readonly firstChangeNs: Float64Array;

  constructor(ctx: MeshContext, podsOf: (service: number) => readonly number[], sink: EndpointSliceSink) {
    this.ctx = ctx;
    this.podsOf = podsOf;
    this.sink = sink;
    this.delay = compileDistribution(ctx.scenario.mesh.controlPlane.endpointSliceDelay);
    this.random = ctx.rng.stream('kube/endpointslice-controller');
    this.pendingSync = new Uint8Array(ctx.services.length);
    this.firstChangeNs = new Float64Array(ctx.services.length);
  }

  /** A pod of `service` changed readiness, was deleted or is gone. */
  podChanged(service: number): void {
    if (this.pendingSync[service]) return;
    this.pendingSync[service] = 1;
    this.firstChangeNs[service] = this.ctx.sim.nowNs;
    this.ctx.sim.postAfter(this.delay.sample(this.random), EventKind.ENDPOINT_SLICE_SYNC, service);
  }

  pending(service: number): boolean {
    return this.pendingSync[service] === 1;
  }

  onSync(service: number): void {
    this.pendingSync[service] = 0;
    this.sink(service, this.endpoints(service), this.firstChangeNs[service]!);
  }

  /** What istiod sends for the service (see the class comment). */
  endpoints(service: number): ServiceEndpoints {
    const phase = this.ctx.pods.phase;
    const all = this.podsOf(service);
    const listed = this.ctx.services[service]!.publishNotReadyAddresses
      ? all.filter((p) => phase[p] === READY || phase[p] === STARTING)
      : all.filter((p) => phase[p] === READY);
    if (!this.ctx.scenario.mesh.controlPlane.drainingEndpoints) return { pods: listed, draining: 0 };
    const draining = all.filter((p) => phase[p] === TERMINATING);
    return { pods: [...listed, ...draining], draining: draining.length };
  }

  /** Ready, not terminating: in creation order, as pods are listed. */
  readyEndpoints(service: number): number[] {
    const phase = this.ctx.pods.phase;
    return this.podsOf(service).filter((p) => phase[p] === READY);
  }
}
