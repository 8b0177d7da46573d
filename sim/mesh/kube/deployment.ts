import type { RandomStream } from '../../engine/index.ts';
import type { RolloutParsed } from '../../scenario/schema.ts';
import type { MeshContext } from '../context.ts';
import { EventKind } from '../event-kinds.ts';
import type { Kubelet } from './kubelet.ts';
import { GONE, READY, TERMINATING } from './pods.ts';

/** What a change did, for the run's timeline log. */
export interface PodChange {
  created: string[];
  terminating: string[];
  killed: string[];
}

/** A rollout in progress: the surge and unavailability bounds, resolved against the desired count. */
interface RolloutState {
  maxSurge: number | string;
  maxUnavailable: number | string;
  minReadyNs: number;
  startedNs: number;
}

/** One service's Deployment: a desired count, ReplicaSets by revision, and a rollout if one runs. */
interface DeploymentState {
  desired: number;
  revision: number;
  /** Desired pods per ReplicaSet revision. */
  rsDesired: Map<number, number>;
  rollout: RolloutState | undefined;
  minReadyNs: number;
  /** When the last rollout finished (-1: none yet / still running). */
  rolloutDoneNs: number[];
  reconcilePending: boolean;
}

/**
 * The Deployment and ReplicaSet controllers. `scale`, `kill` and `rollout` change the world (a
 * desired count, a dead pod, a new pod template); the controllers decide pods:
 * - a ReplicaSet keeps its desired number of pods that are not terminating (kubernetes-istio.md
 *   §3.1: a terminating pod no longer counts), creating or deleting the difference;
 * - a rolling update scales a new ReplicaSet up and the old ones down within maxSurge and
 *   maxUnavailable, a new pod counting once it has been ready for minReadySeconds.
 * Controllers react at once (no watch or sync delay; README: simplifications) through a
 * RECONCILE event, so a change made inside another handler is acted on after it.
 */
export class Deployments {
  private readonly ctx: MeshContext;
  private readonly kubelet: Kubelet;
  private readonly live: number[][]; // per service: pods not GONE, in creation order
  private readonly nextOrdinal: number[];
  private readonly state: DeploymentState[];
  /** Called with every pod created, for the world's per-pod setup. */
  onCreated: (pod: number) => void = () => {};
  /** Called after every reconcile (invariant checkers). */
  onReconciled: (service: number) => void = () => {};

  constructor(ctx: MeshContext, kubelet: Kubelet) {
    this.ctx = ctx;
    this.kubelet = kubelet;
    this.live = ctx.services.map(() => []);
    this.nextOrdinal = ctx.services.map(() => 0);
    this.state = ctx.services.map((s) => ({
      desired: s.replicas,
      revision: 0,
      rsDesired: new Map([[0, s.replicas]]),
      rollout: undefined,
      minReadyNs: 0,
      rolloutDoneNs: [],
      reconcilePending: false,
    }));
  }

  /** The initial replicas: running before the scenario began. */
  createInitialPods(): void {
    this.ctx.services.forEach((s) => {
      for (let i = 0; i < s.replicas; i++) this.createPod(s.id, 0, true);
    });
  }

  /** Pods of a service that are not gone, in creation order (the EndpointSlice controller lists these). */
  pods(service: number): readonly number[] {
    return this.live[service]!;
  }

  /** Pods that count toward the desired count: not terminating, not gone. */
  active(service: number, revision?: number): number[] {
    const { phase, revision: rev } = this.ctx.pods;
    return this.live[service]!.filter((p) => phase[p] !== TERMINATING && phase[p] !== GONE && (revision === undefined || rev[p] === revision));
  }

  desired(service: number): number {
    return this.state[service]!.desired;
  }

  rolloutInProgress(service: number): boolean {
    return this.state[service]!.rollout !== undefined;
  }

  /** Total pods the controllers aim for across ReplicaSets (desired + surge during a rollout). */
  targetPods(service: number): number {
    let n = 0;
    for (const v of this.state[service]!.rsDesired.values()) n += v;
    return n;
  }

  scaleTo(service: number, replicas: number): PodChange {
    const st = this.state[service]!;
    st.desired = replicas;
    if (!st.rollout) st.rsDesired.set(st.revision, replicas);
    return this.reconcileNow(service);
  }

  /**
   * Kills pods abruptly (a force delete: SIGKILL, no grace). `count` picks among pods that are
   * not already leaving, as deleting a random running pod would; named pods are killed in any
   * state. The ReplicaSet then replaces them, unless `replace` is false, which lowers the
   * desired count by the number killed.
   */
  kill(service: number, target: { count?: number | undefined; pods?: string[] | undefined }, replace: boolean, random: RandomStream): PodChange {
    const names = this.ctx.pods.names;
    const candidates = target.pods
      ? this.live[service]!.filter((p) => target.pods!.includes(names[p]!))
      : pickRandom(this.active(service), target.count ?? 0, random);
    const killed = candidates.map((p) => names[p]!);
    const revisions = candidates.filter((p) => this.ctx.pods.phase[p] !== TERMINATING).map((p) => this.ctx.pods.revision[p]!);
    for (const pod of candidates) this.kubelet.kill(pod);
    if (!replace) {
      const st = this.state[service]!;
      for (const rev of revisions) st.rsDesired.set(rev, Math.max(0, (st.rsDesired.get(rev) ?? 0) - 1));
      st.desired = Math.max(0, st.desired - revisions.length);
    }
    return { ...this.reconcileNow(service), killed };
  }

  /** A rolling update to a new revision (Deployment strategy RollingUpdate). */
  rollout(service: number, spec: RolloutParsed): PodChange {
    const st = this.state[service]!;
    st.revision++;
    st.rsDesired.set(st.revision, 0);
    st.minReadyNs = spec.minReadySeconds * 1e9;
    st.rollout = { maxSurge: spec.maxSurge, maxUnavailable: spec.maxUnavailable, minReadyNs: st.minReadyNs, startedNs: this.ctx.sim.nowNs };
    return this.reconcileNow(service);
  }

  reconcilePending(service: number): boolean {
    return this.state[service]!.reconcilePending;
  }

  /** A running rollout's surge and unavailability, resolved against the desired count. */
  rolloutBounds(service: number): { maxSurge: number; maxUnavailable: number } | undefined {
    const st = this.state[service]!;
    if (!st.rollout) return undefined;
    return { maxSurge: resolve(st.rollout.maxSurge, st.desired, true), maxUnavailable: resolve(st.rollout.maxUnavailable, st.desired, false) };
  }

  /** Durations of the rollouts that finished, in ns. */
  rolloutDurations(service: number): readonly number[] {
    return this.state[service]!.rolloutDoneNs;
  }

  /** A pod changed (ready, terminating or gone): reconcile after the current event. */
  podChanged(pod: number): void {
    const service = this.ctx.pods.service[pod]!;
    if (service < 0) return;
    const st = this.state[service]!;
    if (st.minReadyNs > 0 && this.ctx.pods.phase[pod] === READY) this.ctx.sim.postAfter(st.minReadyNs, EventKind.POD_AVAILABLE, pod);
    this.schedule(service);
  }

  podGone(pod: number): void {
    const pods = this.ctx.pods;
    this.ctx.nodes.release(pods.node[pod]!);
    const list = this.live[pods.service[pod]!]!;
    list.splice(list.indexOf(pod), 1);
    this.schedule(pods.service[pod]!);
  }

  onAvailable(pod: number): void {
    if (this.ctx.pods.phase[pod] === READY) this.schedule(this.ctx.pods.service[pod]!);
  }

  onReconcile(service: number): void {
    this.state[service]!.reconcilePending = false;
    this.reconcileNow(service);
  }

  private schedule(service: number): void {
    const st = this.state[service]!;
    if (st.reconcilePending || !st.rollout && this.active(service).length === st.desired) return;
    st.reconcilePending = true;
    this.ctx.sim.postAfter(0, EventKind.RECONCILE, service);
  }

  private reconcileNow(service: number): PodChange {
    const st = this.state[service]!;
    if (st.rollout) this.stepRollout(service, st);
    const change: PodChange = { created: [], terminating: [], killed: [] };
    for (const [revision, want] of [...st.rsDesired].sort((a, b) => a[0] - b[0])) this.reconcileReplicaSet(service, revision, want, change);
    for (const [revision, want] of [...st.rsDesired]) if (want === 0 && revision !== st.revision && this.active(service, revision).length === 0) st.rsDesired.delete(revision);
    this.onReconciled(service);
    return change;
  }

  /** ReplicaSet controller: create or delete the difference to its desired count. */
  private reconcileReplicaSet(service: number, revision: number, want: number, change: PodChange): void {
    const active = this.active(service, revision);
    for (let n = active.length; n < want; n++) change.created.push(this.ctx.pods.names[this.createPod(service, revision, false)]!);
    if (active.length > want) {
      for (const pod of this.deletionOrder(active).slice(0, active.length - want)) {
        change.terminating.push(this.ctx.pods.names[pod]!);
        this.kubelet.delete(pod);
      }
    }
  }

  /**
   * The ReplicaSet's choice of pods to delete, simplified from its ranking: pods not ready first,
   * then those ready for the shortest time, then the newest.
   */
  private deletionOrder(pods: number[]): number[] {
    const { phase, readySinceNs } = this.ctx.pods;
    return [...pods].sort(
      (a, b) => Number(phase[a] === READY) - Number(phase[b] === READY) || readySinceNs[b]! - readySinceNs[a]! || b - a,
    );
  }

  /**
   * One step of a rolling update (the Deployment controller's reconcileNewReplicaSet and
   * reconcileOldReplicaSets): scale the new ReplicaSet up while all pods stay within
   * desired + maxSurge, and the old ones down while available pods stay >= desired - maxUnavailable.
   */
  private stepRollout(service: number, st: DeploymentState): void {
    const r = st.rollout!;
    const surge = resolve(r.maxSurge, st.desired, true);
    let unavailable = resolve(r.maxUnavailable, st.desired, false);
    if (surge === 0 && unavailable === 0) unavailable = 1; // Kubernetes rejects 0/0; 1 keeps progress possible
    const total = () => [...st.rsDesired.values()].reduce((a, b) => a + b, 0);
    // A scale-down mid-rollout: Kubernetes scales the ReplicaSets proportionally; here the oldest
    // give way first, until all fit within desired + maxSurge again.
    for (const [rev, want] of [...st.rsDesired].sort((a, b) => a[0] - b[0])) {
      const excess = total() - (st.desired + surge);
      if (excess <= 0) break;
      st.rsDesired.set(rev, want - Math.min(want, excess));
    }
    // The new ReplicaSet never wants more than the desired count (a scale-down mid-rollout).
    const newWant = Math.min(st.desired, st.rsDesired.get(st.revision)!);
    st.rsDesired.set(st.revision, newWant);
    if (total() < st.desired + surge) st.rsDesired.set(st.revision, Math.min(st.desired, newWant + st.desired + surge - total()));
    const minAvailable = st.desired - unavailable;
    const newUnavailable = st.rsDesired.get(st.revision)! - this.available(service, st.revision);
    let budget = total() - minAvailable - Math.max(0, newUnavailable);
    // First old pods that are not available anyway, then available ones down to minAvailable.
    for (const [rev, want] of [...st.rsDesired].sort((a, b) => a[0] - b[0])) {
      if (rev === st.revision || budget <= 0) continue;
      const unhealthy = Math.max(0, want - this.available(service, rev));
      const cut = Math.min(unhealthy, budget);
      st.rsDesired.set(rev, want - cut);
      budget -= cut;
    }
    let canScaleDown = this.availableAll(service) - minAvailable;
    for (const [rev, want] of [...st.rsDesired].sort((a, b) => a[0] - b[0])) {
      if (rev === st.revision || canScaleDown <= 0 || budget <= 0) continue;
      const cut = Math.min(want, canScaleDown, budget);
      st.rsDesired.set(rev, want - cut);
      canScaleDown -= cut;
      budget -= cut;
    }
    const oldLeft = [...st.rsDesired].some(([rev, want]) => rev !== st.revision && (want > 0 || this.active(service, rev).length > 0));
    if (!oldLeft && this.available(service, st.revision) >= st.desired) {
      st.rolloutDoneNs.push(this.ctx.sim.nowNs - r.startedNs);
      st.rsDesired.set(st.revision, st.desired);
      st.rollout = undefined;
    }
  }

  /** Pods of a revision that are Ready for minReadySeconds and not terminating. */
  private available(service: number, revision: number): number {
    const { phase, readySinceNs, revision: rev } = this.ctx.pods;
    const minReady = this.state[service]!.minReadyNs;
    const now = this.ctx.sim.nowNs;
    let n = 0;
    for (const p of this.live[service]!) if (rev[p] === revision && phase[p] === READY && now - readySinceNs[p]! >= minReady) n++;
    return n;
  }

  private availableAll(service: number): number {
    let n = 0;
    for (const rev of this.state[service]!.rsDesired.keys()) n += this.available(service, rev);
    return n;
  }

  private createPod(service: number, revision: number, running: boolean): number {
    const { pods, nodes, sim } = this.ctx;
    const name = `${this.ctx.services[service]!.name}-${this.nextOrdinal[service]!++}`;
    const pod = pods.create(name, service, nodes.place(), sim.nowNs);
    pods.revision[pod] = revision;
    this.live[service]!.push(pod);
    if (running) this.kubelet.startRunning(pod);
    else this.kubelet.start(pod);
    this.onCreated(pod);
    return pod;
  }
}

/** IntOrString against the desired count: percentages round up for surge, down for unavailable. */
function resolve(v: number | string, desired: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const x = (Number(v.slice(0, -1)) * desired) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
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
