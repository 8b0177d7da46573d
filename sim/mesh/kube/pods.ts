import type { RandomStream, Rng } from '../../engine/index.ts';
import { NONE } from '../traffic/requests.ts';

/** Pod lifecycle phases in this model. */
export const STARTING = 1; // created, app not yet ready: not an endpoint
export const READY = 2; // an endpoint of its service
export const TERMINATING = 3; // scaled down: no longer an endpoint, finishing its in-flight work
export const GONE = 4; // exited or killed

/** The ingress gateway is a proxy without an app, outside any service. */
export const INGRESS_SERVICE = -1;

/**
 * Every pod ever created (ids are dense and never reused, so a stale id cannot point at a new
 * pod). Numeric state is struct-of-arrays; each pod also owns three named random streams,
 * created from its name so a pod's draws do not depend on any other pod (common random numbers).
 */
export class PodTable {
  count = 0;
  service = new Int32Array(64);
  node = new Int32Array(64);
  phase = new Uint8Array(64);
  /** App workers busy (serving or waiting on downstream calls). */
  busy = new Int32Array(64);
  /** Jobs present at the pod: queued, serving, or calling. */
  jobs = new Int32Array(64);
  queueHead = new Int32Array(64);
  queueTail = new Int32Array(64);
  /** Head of the pod's inbound-jobs list and outbound-requests list (request ids). */
  inHead = new Int32Array(64);
  outHead = new Int32Array(64);
  createdNs = new Float64Array(64);
  readonly names: string[] = [];
  readonly lbRandom: RandomStream[] = [];
  readonly appRandom: RandomStream[] = [];
  readonly netRandom: RandomStream[] = [];

  private readonly rng: Rng;

  constructor(rng: Rng) {
    this.rng = rng;
  }

  create(name: string, service: number, node: number, nowNs: number): number {
    if (this.count === this.service.length) this.grow();
    const id = this.count++;
    this.service[id] = service;
    this.node[id] = node;
    this.phase[id] = STARTING;
    this.busy[id] = 0;
    this.jobs[id] = 0;
    this.queueHead[id] = this.queueTail[id] = NONE;
    this.inHead[id] = this.outHead[id] = NONE;
    this.createdNs[id] = nowNs;
    this.names.push(name);
    this.lbRandom.push(this.rng.stream(`pod/${name}/lb`));
    this.appRandom.push(this.rng.stream(`pod/${name}/app`));
    this.netRandom.push(this.rng.stream(`pod/${name}/net`));
    return id;
  }

  /** A stable, unique pod IP for logs: 10.x.y.z from the pod id. */
  ip(id: number): string {
    return `10.${16 + (id >>> 16)}.${(id >>> 8) & 255}.${id & 255}`;
  }

  private grow(): void {
    const n = this.service.length * 2;
    const g = <T extends Int32Array | Uint8Array | Float64Array>(a: T, b: T): T => {
      b.set(a as never);
      return b;
    };
    this.service = g(this.service, new Int32Array(n));
    this.node = g(this.node, new Int32Array(n));
    this.phase = g(this.phase, new Uint8Array(n));
    this.busy = g(this.busy, new Int32Array(n));
    this.jobs = g(this.jobs, new Int32Array(n));
    this.queueHead = g(this.queueHead, new Int32Array(n));
    this.queueTail = g(this.queueTail, new Int32Array(n));
    this.inHead = g(this.inHead, new Int32Array(n));
    this.outHead = g(this.outHead, new Int32Array(n));
    this.createdNs = g(this.createdNs, new Float64Array(n));
  }
}
