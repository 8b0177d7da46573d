import { formatDurationNs } from '../engine/index.ts';
import type { TimelineEvent } from '../scenario/index.ts';
import type { MeshContext } from './context.ts';
import { EventKind } from './event-kinds.ts';
import type { Deployments, PodChange } from './kube/deployment.ts';
import type { Workloads } from './traffic/workload.ts';

/** One applied timeline action, for the run summary ("what happened when"). */
export interface TimelineEntry {
  atNs: number;
  action: 'scale' | 'kill' | 'rate' | 'rollout' | 'degrade' | 'route';
  description: string;
}

/** Applies the scenario's timeline actions at their times. */
export class Timeline {
  readonly log: TimelineEntry[] = [];
  private readonly ctx: MeshContext;
  private readonly deployments: Deployments;
  private readonly workloads: Workloads;
  private readonly serviceIndex: (name: string) => number;

  /** istiod: a route's weights as last set, and a new setting to push. */
  routeWeights: (service: number) => Uint32Array = () => new Uint32Array(0);
  setRouteWeights: (service: number, weights: Uint32Array) => void = () => {};

  constructor(ctx: MeshContext, deployments: Deployments, workloads: Workloads, serviceIndex: (name: string) => number) {
    this.ctx = ctx;
    this.deployments = deployments;
    this.workloads = workloads;
    this.serviceIndex = serviceIndex;
  }

  apply(index: number): void {
    const e: TimelineEvent = this.ctx.scenario.timeline[index]!;
    const at = `${formatDurationNs(this.ctx.sim.nowNs)}`;
    if (e.scale) {
      const service = this.serviceIndex(e.scale.service);
      const before = this.deployments.desired(service);
      const change = this.deployments.scaleTo(service, e.scale.replicas);
      this.record('scale', `${at} scale ${e.scale.service} ${before} -> ${e.scale.replicas}${describe(change)}`);
    } else if (e.kill) {
      const random = this.ctx.rng.stream(`timeline/${index}/kill`);
      const change = this.deployments.kill(this.serviceIndex(e.kill.service), e.kill, e.kill.replace, random);
      const missing = (e.kill.pods ?? []).filter((p) => !change.killed.includes(p));
      const note = missing.length ? ` (not running: ${missing.join(', ')})` : '';
      this.record('kill', `${at} kill ${e.kill.service}${describe(change)}${note}`);
    } else if (e.rollout) {
      const r = e.rollout;
      const change = this.deployments.rollout(this.serviceIndex(r.service), r);
      this.record('rollout', `${at} rollout ${r.service} (maxSurge ${r.maxSurge}, maxUnavailable ${r.maxUnavailable})${describe(change)}`);
    } else if (e.degrade) {
      const d = e.degrade;
      const svc = this.ctx.services[this.serviceIndex(d.service)]!;
      svc.serviceTimeFactor = d.serviceTimeFactor;
      svc.errorRate = d.errorRate;
      if (d.for !== undefined) this.ctx.sim.postAfter(d.for, EventKind.DEGRADE_END, index);
      const what = [d.serviceTimeFactor !== 1 ? `serviceTime x${d.serviceTimeFactor}` : '', d.errorRate > 0 ? `errorRate ${d.errorRate}` : ''].filter(Boolean).join(', ');
      this.record('degrade', `${at} degrade ${d.service}${what ? ` (${what})` : ''}${d.for !== undefined ? ` for ${formatDurationNs(d.for)}` : ''}`);
    } else if (e.route) {
      const service = this.serviceIndex(e.route.service);
      const route = this.ctx.services[service]!.route!;
      const set = e.route.weights;
      // Own keys only: a destination may be called `constructor`.
      const weights = Uint32Array.from(route.destinations, (d, i) => {
        const name = this.ctx.services[d]!.name;
        return Object.hasOwn(set, name) ? set[name]! : this.routeWeights(service)[i]!;
      });
      this.setRouteWeights(service, weights);
      const split = Array.from(route.destinations, (d, i) => `${this.ctx.services[d]!.name} ${weights[i]}`).join(', ');
      this.record('route', `${at} route ${e.route.service}: ${split}`);
    } else if (e.rate) {
      const w = this.ctx.scenario.workload.findIndex((x) => x.name === e.rate!.workload);
      this.workloads.setRate(w, e.rate.rate);
      this.record('rate', `${at} rate ${e.rate.workload} -> ${e.rate.rate}/s`);
    }
  }

  /** A `degrade` window ends: the service is back to normal. */
  endDegrade(index: number): void {
    const d = this.ctx.scenario.timeline[index]!.degrade!;
    const svc = this.ctx.services[this.serviceIndex(d.service)]!;
    svc.serviceTimeFactor = 1;
    svc.errorRate = 0;
    this.record('degrade', `${formatDurationNs(this.ctx.sim.nowNs)} degrade ${d.service} ends`);
  }

  private record(action: TimelineEntry['action'], description: string): void {
    this.log.push({ atNs: this.ctx.sim.nowNs, action, description });
  }
}

function describe(c: PodChange): string {
  const parts: string[] = [];
  if (c.killed.length) parts.push(`killed ${list(c.killed)}`);
  if (c.terminating.length) parts.push(`terminating ${list(c.terminating)}`);
  if (c.created.length) parts.push(`created ${list(c.created)}`);
  return parts.length ? `: ${parts.join('; ')}` : '';
}

function list(names: string[]): string {
  return names.length <= 6 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}
