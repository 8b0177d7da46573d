import type { RandomStream, Rng } from '../../engine/index.ts';
import { NONE } from '../traffic/requests.ts';

/** Pod phases in this model (the Pod's Ready condition and deletion, kubernetes-istio.md §2.4, §3.1). */
export const STARTING = 1; // created, not Ready: not a ready endpoint
export const READY = 2; // Ready: every container ready
export const TERMINATING = 3; // deleted (deletionTimestamp set): containers shutting down
export const GONE = 4; // every container exited, or killed

/** The istio-proxy container. */
export const PROXY_STARTING = 1; // booting or waiting for its first config: no listeners, so connections are refused
export const PROXY_LIVE = 2; // has config, listeners up
export const PROXY_DRAINING = 3; // draining inbound (graceful: still accepts), outbound works (§3.2-3.4)
export const PROXY_EXITED = 4;

/** The app container. */
export const APP_WAITING = 0; // not started yet (hold or native mode), or restarting after a crash
export const APP_STARTING = 1; // running its startup calls and warm-up: not listening yet
export const APP_SERVING = 2; // accepts requests
export const APP_STOPPING = 3; // after SIGTERM (and shutdownDelay): refuses new requests, finishes what it holds
export const APP_EXITED = 4;

const PROXY_STATE_NAMES = ['-', 'starting', 'live', 'draining', 'exited'];
const APP_STATE_NAMES = ['waiting', 'starting', 'serving', 'stopping', 'exited'];

/** The ingress gateway is a proxy without an app, outside any service. */
export const INGRESS_SERVICE = -1;
/** The ingress gateway's pod name, and its name as a caller (access logs, proxy-status, summary.conntrack.pairs). */
export const GATEWAY_NAME = 'istio-ingressgateway';
/** The pseudo-pod that stands for clients without a sidecar (workloads via kube-proxy), as a caller in access logs. */
export const CLIENTS_WITHOUT_SIDECAR_NAME = 'clients-without-sidecar';

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
  /** Container states (PROXY_*, APP_*), and epochs that stale container events check. */
  proxy = new Uint8Array(64);
  app = new Uint8Array(64);
  appEpoch = new Int32Array(64);
  /** Readiness of each container as the kubelet last saw it (probes), and the pod's ReplicaSet revision. */
  proxyReady = new Uint8Array(64);
  appReady = new Uint8Array(64);
  revision = new Int32Array(64);
  restarts = new Int32Array(64);
  readySinceNs = new Float64Array(64);
  readonly names: string[] = [];
  readonly lbRandom: RandomStream[] = [];
  readonly appRandom: RandomStream[] = [];
  readonly netRandom: RandomStream[] = [];
  /** Per pod: the stream its sidecar picks a worker thread with, per request (connection-pool.ts). */
  readonly tcpRandom: RandomStream[] = [];

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
    this.proxy[id] = PROXY_STARTING;
    this.app[id] = APP_WAITING;
    this.appEpoch[id] = 0;
    this.proxyReady[id] = 0;
    this.appReady[id] = 0;
    this.revision[id] = 0;
    this.restarts[id] = 0;
    this.readySinceNs[id] = -1;
    this.names.push(name);
    // The client-side streams a request draws from (lb, net, tcp) are made one after another, so
    // their states share a cache line in the bank (NOTE hot path; draws depend on names only).
    this.lbRandom.push(this.rng.stream(`pod/${name}/lb`));
    this.netRandom.push(this.rng.stream(`pod/${name}/net`));
    this.tcpRandom.push(this.rng.stream(`pod/${name}/tcp`));
    this.appRandom.push(this.rng.stream(`pod/${name}/app`));
    return id;
  }

  /** A stable, unique pod IP for logs: 10.x.y.z from the pod id. */
  ip(id: number): string {
    return `10.${16 + (id >>> 16)}.${(id >>> 8) & 255}.${id & 255}`;
  }

  /** Whether the pod's Envoy has listeners up, inbound and outbound (§3.3: a graceful drain still accepts). */
  sidecarListening(id: number): boolean {
    const p = this.proxy[id];
    return p === PROXY_LIVE || p === PROXY_DRAINING;
  }

  /** "app=serving proxy=draining": the container states that explain a failure, for the access log. */
  containerStates(id: number): string {
    if (this.service[id] === INGRESS_SERVICE) return this.names[id] === CLIENTS_WITHOUT_SIDECAR_NAME ? 'no-sidecar' : 'gateway';
    return `app=${APP_STATE_NAMES[this.app[id]!]} proxy=${PROXY_STATE_NAMES[this.proxy[id]!]}`;
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
    this.proxy = g(this.proxy, new Uint8Array(n));
    this.app = g(this.app, new Uint8Array(n));
    this.appEpoch = g(this.appEpoch, new Int32Array(n));
    this.proxyReady = g(this.proxyReady, new Uint8Array(n));
    this.appReady = g(this.appReady, new Uint8Array(n));
    this.revision = g(this.revision, new Int32Array(n));
    this.restarts = g(this.restarts, new Int32Array(n));
    this.readySinceNs = g(this.readySinceNs, new Float64Array(n));
  }
}
