import type { RandomStream } from '../../engine/index.ts';
import type { MeshContext } from '../context.ts';
import { EventKind } from '../event-kinds.ts';
import { GONE, READY, STARTING, TERMINATING } from './pods.ts';

/** kubernetes-istio.md Appendix A: terminationGracePeriodSeconds defaults to 30 s. */
export const TERMINATION_GRACE_NS = 30e9;

/** What a Deployment change did, for the run's timeline log. */
export interface PodChange {
  created: string[];
  terminating: string[];
  killed: string[];
}

/** Stops a dead pod's work: its jobs are reset and its own requests abandoned. */
export type PodKiller = (pod: number) => void;

/**
 * One Deployment per service: creates pods, places them on nodes, publishes them as endpoints
 * when ready, and removes them. In this model an endpoint appears and disappears the moment the
 * pod becomes ready or starts terminating (no control-plane delay yet).
 *
 * Scale-down is graceful: the pod stops being an endpoint, finishes what it holds, and exits,
 * or is killed when the 30 s grace period runs out. A kill is abrupt (a crash, SIGKILL): every
 * request at the pod is reset. Killed pods are replaced unless told otherwise.
 */
export class Deployments {
  private readonly ctx: MeshContext;
  private readonly live: number[][]; // per service: pods not GONE, in creation order
  private readonly nextOrdinal: number[];
  onKill: PodKiller = () => {};

  constructor(ctx: MeshContext) {
    this.ctx = ctx;
    this.live = ctx.services.map(() => []);
    this.nextOrdinal = ctx.services.map(() => 0);
  }

  /** Pods of a service that count toward its replicas (starting or ready). */
  replicas(service: number): number[] {
    const phase = this.ctx.pods.phase;
    return this.live[service]!.filter((p) => phase[p] === STARTING || phase[p] === READY);
  }

  /**
   * Creates a pod. Pods of the initial replicas (`running`) were up before the scenario began,
   * so they are ready at once; pods created during the run take the app's startupTime.
   */
  createPod(service: number, running = false): string {
    const { pods, nodes, sim } = this.ctx;
    const model = this.ctx.services[service]!;
    const name = `${model.name}-${this.nextOrdinal[service]!++}`;
    const pod = pods.create(name, service, nodes.place(), sim.nowNs);
    this.live[service]!.push(pod);
    if (running || model.startupNs === 0) this.onReady(pod);
    else sim.postAfter(model.startupNs, EventKind.POD_READY, pod);
    return name;
  }

  onReady(pod: number): void {
    const pods = this.ctx.pods;
    if (pods.phase[pod] !== STARTING) return; // terminated or killed while starting
    pods.phase[pod] = READY;
    this.ctx.services[pods.service[pod]!]!.endpoints.add(pod);
  }

  scaleTo(service: number, replicas: number): PodChange {
    const change: PodChange = { created: [], terminating: [], killed: [] };
    const current = this.replicas(service);
    for (let n = current.length; n < replicas; n++) change.created.push(this.createPod(service));
    if (replicas < current.length) {
      for (const pod of this.scaleDownVictims(current, current.length - replicas)) {
        change.terminating.push(this.ctx.pods.names[pod]!);
        this.terminate(pod);
      }
    }
    return change;
  }

  /**
   * ReplicaSet scale-down order (simplified from its pod ranking): pods not yet ready first,
   * then the most recently created.
   */
  private scaleDownVictims(current: number[], count: number): number[] {
    const phase = this.ctx.pods.phase;
    const ranked = [...current].sort((a, b) => Number(phase[a] === READY) - Number(phase[b] === READY) || b - a);
    return ranked.slice(0, count);
  }

  /** Kills `count` random pods of a service, or the named ones; replaces them if asked. */
  kill(service: number, target: { count?: number | undefined; pods?: string[] | undefined }, replace: boolean, random: RandomStream): PodChange {
    const change: PodChange = { created: [], terminating: [], killed: [] };
    const candidates = this.live[service]!.filter((p) => this.ctx.pods.phase[p] !== GONE);
    const victims = target.pods
      ? candidates.filter((p) => target.pods!.includes(this.ctx.pods.names[p]!))
      : pickRandom(candidates, target.count ?? 0, random);
    for (const pod of victims) {
      change.killed.push(this.ctx.pods.names[pod]!);
      this.killPod(pod);
      if (replace) change.created.push(this.createPod(service));
    }
    return change;
  }

  onGraceExpired(pod: number): void {
    if (this.ctx.pods.phase[pod] === TERMINATING) this.killPod(pod);
  }

  /** A terminating pod has no work left: it exits. */
  onDrained(pod: number): void {
    if (this.ctx.pods.phase[pod] === TERMINATING) this.remove(pod);
  }

  private terminate(pod: number): void {
    const { pods, sim } = this.ctx;
    const wasReady = pods.phase[pod] === READY;
    pods.phase[pod] = TERMINATING;
    if (wasReady) this.ctx.services[pods.service[pod]!]!.endpoints.remove(pod);
    if (pods.jobs[pod] === 0) this.remove(pod);
    else sim.postAfter(TERMINATION_GRACE_NS, EventKind.POD_GRACE_EXPIRED, pod);
  }

  private killPod(pod: number): void {
    const pods = this.ctx.pods;
    if (pods.phase[pod] === READY) this.ctx.services[pods.service[pod]!]!.endpoints.remove(pod);
    pods.phase[pod] = GONE; // first, so nothing the kill triggers treats the pod as alive
    this.onKill(pod);
    this.remove(pod);
  }

  private remove(pod: number): void {
    const pods = this.ctx.pods;
    pods.phase[pod] = GONE;
    this.ctx.nodes.release(pods.node[pod]!);
    const list = this.live[pods.service[pod]!]!;
    list.splice(list.indexOf(pod), 1);
  }
}

/** `count` distinct items chosen uniformly (partial Fisher-Yates), in their original order. */
function pickRandom(items: number[], count: number, random: RandomStream): number[] {
  const pool = [...items];
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + (random.nextU32() % (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n).sort((a, b) => a - b);
}
