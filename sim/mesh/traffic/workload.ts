import { compileDistribution, NS_PER_S, type RandomStream, type Sampler } from '../../engine/index.ts';
import type { Workload } from '../../scenario/index.ts';
import type { MeshContext } from '../context.ts';
import type { Router } from '../envoy/router.ts';
import { EventKind } from '../event-kinds.ts';
import { NONE } from './requests.ts';
import type { KubeProxy } from '../kube/kube-proxy.ts';

interface OpenLoopState {
  target: number;
  /** Sent by clients without a sidecar, through kube-proxy. */
  viaKubeProxy: boolean;
  ratePerS: number;
  poisson: boolean;
  startNs: number;
  endNs: number;
  /** Bumped by a rate change, so the arrival already scheduled at the old rate is dropped. */
  gen: number;
  /** Uniform arrivals: time of the k-th arrival is originNs + k / rate, with no drift. */
  originNs: number;
  k: number;
  random: RandomStream;
}

interface ClosedLoopState {
  target: number;
  viaKubeProxy: boolean;
  endNs: number;
  think: Sampler;
  random: RandomStream;
}

/**
 * Traffic entering the mesh through the ingress gateway, or from clients without a sidecar
 * through kube-proxy (`via: kube-proxy`). Open loop: arrivals at a rate
 * (Poisson, or evenly spaced), whatever the mesh does. Closed loop: N clients that each send,
 * wait for the answer, think, and send again, so load falls when the mesh slows down.
 */
export class Workloads {
  private readonly ctx: MeshContext;
  private readonly router: Router;
  private readonly gateway: number;
  private readonly open: (OpenLoopState | undefined)[] = [];
  private readonly closed: (ClosedLoopState | undefined)[] = [];
  /** Closed-loop client id -> workload index. */
  private readonly clientWorkload: number[] = [];

  /** Set by the world when some workload's clients have no sidecar. */
  kubeProxy: KubeProxy | undefined;

  constructor(ctx: MeshContext, router: Router, gateway: number) {
    this.ctx = ctx;
    this.router = router;
    this.gateway = gateway;
  }

  /** Schedules every workload's first arrivals. */
  start(workloads: readonly Workload[], serviceIndex: (name: string) => number): void {
    workloads.forEach((w, i) => {
      const endNs = w.end ?? this.ctx.scenario.duration;
      const target = serviceIndex(w.to);
      const viaKubeProxy = w.via === 'kube-proxy';
      if ('rate' in w) {
        const random = this.ctx.rng.stream(`workload/${w.name}/arrivals`);
        this.open[i] = { target, viaKubeProxy, ratePerS: w.rate, poisson: w.arrival === 'poisson', startNs: w.start, endNs, gen: 0, originNs: w.start, k: 0, random };
        this.scheduleArrival(i, w.start);
      } else {
        const state = { target, viaKubeProxy, endNs, think: compileDistribution(w.thinkTime), random: this.ctx.rng.stream(`workload/${w.name}/think`) };
        this.closed[i] = state;
        for (let c = 0; c < w.clients; c++) {
          const client = this.clientWorkload.length;
          this.clientWorkload.push(i);
          // A first think time spreads the clients out instead of all sending at `start`.
          this.ctx.sim.post(w.start + state.think.sample(state.random), EventKind.CLIENT_THINK_DONE, client);
        }
      }
    });
  }

  onArrival(workload: number, gen: number): void {
    const w = this.open[workload]!;
    if (gen !== w.gen) return; // superseded by a rate change
    if (this.ctx.sim.nowNs >= w.endNs) return;
    this.sendFrom(w, workload, NONE);
    this.scheduleArrival(workload, this.ctx.sim.nowNs);
  }

  onThinkDone(client: number): void {
    const workload = this.clientWorkload[client]!;
    const w = this.closed[workload]!;
    if (this.ctx.sim.nowNs >= w.endNs) return;
    this.sendFrom(w, workload, client);
  }

  private sendFrom(w: OpenLoopState | ClosedLoopState, workload: number, client: number): void {
    if (w.viaKubeProxy) this.router.sendWithoutSidecar(w.target, this.kubeProxy!.pick(w.target), workload, client);
    else this.router.send(this.gateway, w.target, NONE, NONE, workload, client);
  }

  /** A request this layer sent has ended; a closed-loop client thinks, then sends again. */
  onRootEnded(r: number): void {
    const client = this.ctx.requests.workloadClient[r]!;
    if (client === NONE) return;
    const w = this.closed[this.clientWorkload[client]!]!;
    this.ctx.sim.postAfter(w.think.sample(w.random), EventKind.CLIENT_THINK_DONE, client);
  }

  /**
   * Timeline: a new rate for an open-loop workload, from now on, or from its start if that is
   * still ahead (a rate change never starts a workload early, nor runs it past its end).
   */
  setRate(workload: number, ratePerS: number): void {
    const w = this.open[workload]!;
    const fromNs = Math.max(this.ctx.sim.nowNs, w.startNs);
    w.ratePerS = ratePerS;
    w.gen++;
    w.originNs = fromNs;
    w.k = 0;
    this.scheduleArrival(workload, fromNs);
  }

  private scheduleArrival(workload: number, fromNs: number): void {
    const w = this.open[workload]!;
    if (w.ratePerS <= 0) return;
    let at: number;
    if (w.poisson) at = fromNs + Math.round((-Math.log(w.random.nextUnit()) * NS_PER_S) / w.ratePerS);
    else at = w.originNs + Math.round((++w.k * NS_PER_S) / w.ratePerS);
    if (at < w.endNs) this.ctx.sim.post(at, EventKind.OPEN_LOOP_ARRIVAL, workload, w.gen);
  }
}
