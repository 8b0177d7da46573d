import type { RandomStream } from '../../engine/index.ts';
import type { MeshContext } from '../context.ts';
import { EventKind } from '../event-kinds.ts';
import type { ServiceEndpoints } from './endpoint-slices.ts';

/** No endpoint to pick: kube-proxy's rules REJECT the connection. */
export const NO_ENDPOINT = -1;

/**
 * kube-proxy in iptables mode, the Service routing that clients without a sidecar get
 * (kubernetes-istio.md §5): the ClusterIP's rules DNAT each new connection to one of the
 * Service's ready endpoints, chosen at random with equal odds, whatever any VirtualService says
 * (§6). It programs the EndpointSlices it watches, at most once per minSyncPeriod (a change waits
 * for the period to pass since the last sync). One view stands for every node's kube-proxy.
 */
export class KubeProxy {
  private readonly ctx: MeshContext;
  private readonly minSyncNs: number;
  private readonly random: RandomStream;
  /** Per service: the endpoints as last written to the EndpointSlice, and as programmed. */
  private readonly watched: (readonly number[])[];
  private readonly programmed: (readonly number[])[];
  /** The rules the run starts with count as written at 0. */
  private lastSyncNs = 0;
  private pendingSync = false;

  constructor(ctx: MeshContext, initial: readonly ServiceEndpoints[]) {
    this.ctx = ctx;
    this.minSyncNs = ctx.scenario.cluster.kubeProxy.minSyncPeriod;
    this.random = ctx.rng.stream('kube/kube-proxy');
    this.watched = initial.map(servingEndpoints);
    this.programmed = [...this.watched];
  }

  /** The EndpointSlice of `service` was written. */
  onEndpointSlice(service: number, endpoints: ServiceEndpoints): void {
    this.watched[service] = servingEndpoints(endpoints);
    if (this.pendingSync) return;
    this.pendingSync = true;
    this.ctx.sim.post(Math.max(this.ctx.sim.nowNs, this.lastSyncNs + this.minSyncNs), EventKind.KUBE_PROXY_SYNC);
  }

  /** kube-proxy rewrites its rules from what it watched. */
  onSync(): void {
    this.pendingSync = false;
    this.lastSyncNs = this.ctx.sim.nowNs;
    for (let s = 0; s < this.watched.length; s++) this.programmed[s] = this.watched[s]!;
  }

  /** The pod a new connection to Service `service` is DNATed to, or NO_ENDPOINT. */
  pick(service: number): number {
    const selects = this.ctx.services[service]!.selects;
    let total = 0;
    for (const s of selects) total += this.programmed[s]!.length;
    if (total === 0) return NO_ENDPOINT;
    let i = Math.floor(this.random.nextUnit() * total);
    for (const s of selects) {
      const pods = this.programmed[s]!;
      if (i < pods.length) return pods[i]!;
      i -= pods.length;
    }
    return NO_ENDPOINT;
  }

  /** The endpoints kube-proxy routes `service`'s pods to now (for the invariant checkers). */
  endpoints(service: number): readonly number[] {
    return this.programmed[service]!;
  }

  /** An EndpointSlice change waits for kube-proxy's next sync. */
  syncPending(): boolean {
    return this.pendingSync;
  }
}

/** Ready endpoints: a DRAINING one (listed last) is terminating, and kube-proxy skips it. */
function servingEndpoints(e: ServiceEndpoints): readonly number[] {
  return e.draining === 0 ? e.pods : e.pods.slice(0, e.pods.length - e.draining);
}
