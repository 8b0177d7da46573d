import { GATEWAY_NAME, GONE, INGRESS_SERVICE, READY, TERMINATING } from '../kube/pods.ts';
import { CLIENT_OPEN, InvariantError, NONE, ROW_ATTEMPT, ROW_REQUEST, UP_DONE } from '../traffic/requests.ts';
import type { WorldInspection } from './inspection.ts';
import { CT_ESTABLISHED, CT_STATES } from '../linux/conntrack-states.ts';
import type { TcpConnects } from '../linux/tcp-connect.ts';
import type { ConnectionPools } from '../envoy/connection-pool.ts';

/** When a checker runs: right after a timeline action (and its reconcile), or at the end of the run. */
export type CheckPoint = 'action' | 'end';

/** A checker returns the problems it sees, each a sentence naming the object. */
export type Checker = (w: WorldInspection, at: CheckPoint) => string[];

/**
 * ReplicaSet semantics (kubernetes-istio.md §3.1): pods that are not terminating match what the
 * controllers want, with no delay in this model; without a rollout that is the desired count, and
 * during one it stays within desired + maxSurge.
 */
export const deploymentsConverge: Checker = (w) => {
  const problems: string[] = [];
  w.serviceNames.forEach((name, s) => {
    const d = w.deployments;
    if (d.reconcilePending(s)) return; // the controllers have not yet seen the last change
    const active = d.active(s).length;
    const target = d.targetPods(s);
    if (active !== target) problems.push(`${name}: ${active} pods not terminating, but its ReplicaSets want ${target}`);
    const bounds = d.rolloutBounds(s);
    if (!bounds && target !== d.desired(s)) problems.push(`${name}: ReplicaSets want ${target} pods without a rollout, the Deployment ${d.desired(s)}`);
    if (bounds && target > d.desired(s) + bounds.maxSurge) problems.push(`${name}: ${target} pods wanted during a rollout, over desired ${d.desired(s)} + maxSurge ${bounds.maxSurge}`);
  });
  return problems;
};

/**
 * No pod is an endpoint and dead: once the controller has synced, istiod's endpoints are ready
 * pods, plus starting ones for publishNotReadyAddresses, plus terminating ones sent DRAINING.
 */
export const noDeadEndpoints: Checker = (w) => {
  const problems: string[] = [];
  w.serviceNames.forEach((name, s) => {
    for (const p of w.endpointSlices.readyEndpoints(s)) {
      if (w.pods.phase[p] !== READY) problems.push(`${name}: the EndpointSlice controller lists ${w.pods.names[p]} as ready in phase ${w.pods.phase[p]}`);
    }
    if (w.endpointSlices.pending(s)) return;
    const draining = w.scenario.mesh.controlPlane.drainingEndpoints;
    for (const p of w.istiod.knownEndpoints(s)) {
      const phase = w.pods.phase[p];
      if (phase === GONE || (phase === TERMINATING && !draining)) problems.push(`${name}: istiod still has ${w.pods.names[p]} as an endpoint after the EndpointSlice sync, but it is ${phase === GONE ? 'gone' : 'terminating'}`);
    }
  });
  return problems;
};

/** With nothing left to propagate, every proxy has istiod's latest version, and that version is the EndpointSlices. */
export const proxiesConverge: Checker = (w) => {
  if (!w.istiod.idle()) return [];
  const problems: string[] = [];
  const latest = w.istiod.current.version;
  for (const p of w.istiod.connectedProxies) {
    const v = w.configs.version(p);
    if (v !== latest && w.pods.phase[p] !== GONE) problems.push(`proxy ${w.pods.names[p]} has version ${v} with the control plane idle at version ${latest}`);
  }
  w.serviceNames.forEach((name, s) => {
    const sent = [...w.istiod.current.snapshots[s]!.hosts].join(',');
    const known = w.istiod.knownEndpoints(s).join(',');
    if (sent !== known) problems.push(`${name}: istiod's latest push has [${sent}] but the EndpointSlice says [${known}]`);
    const now = w.endpointSlices.pending(s) ? known : w.endpointSlices.endpoints(s).join(',');
    if (now !== known) problems.push(`${name}: the control plane is idle with [${known}] but the pods say [${now}]`);
  });
  return problems;
};

/**
 * kube-proxy routes to a Service's own pods only, and once nothing waits (no EndpointSlice sync,
 * no kube-proxy sync), to exactly the serving endpoints the EndpointSlice lists (kubernetes-istio.md §5).
 */
export const kubeProxyFollowsEndpointSlices: Checker = (w) => {
  const kp = w.kubeProxy;
  if (kp === undefined) return [];
  const problems: string[] = [];
  w.serviceNames.forEach((name, s) => {
    const programmed = kp.endpoints(s);
    for (const p of programmed) if (w.pods.service[p] !== s) problems.push(`${name}: kube-proxy routes to ${w.pods.names[p]}, a pod of another service`);
    if (w.endpointSlices.pending(s) || kp.syncPending()) return;
    const serving = w.endpointSlices.endpoints(s).filter((p) => w.pods.phase[p] !== TERMINATING);
    if (programmed.join(',') !== serving.join(',')) problems.push(`${name}: kube-proxy is synced with [${programmed.join(',')}] but the EndpointSlice lists [${serving.join(',')}]`);
  });
  return problems;
};

/** A workload sends nothing outside its [start, end) (whole intervals outside the window are empty). */
export const workloadsHonourWindows: Checker = (w) => {
  const problems: string[] = [];
  const iv = w.intervalNs;
  const intervals = Math.ceil(w.scenario.duration / iv);
  w.scenario.workload.forEach((wl, i) => {
    const series = w.workloadSeriesBase + i;
    const beforeStart = Math.floor(wl.start / iv); // intervals [0, this) end at or before start
    const endNs = wl.end ?? w.scenario.duration;
    const afterEnd = Math.ceil(endNs / iv); // intervals [this, ...) begin at or after end
    const early = w.startedInWindow(series, 0, beforeStart);
    const late = w.startedInWindow(series, afterEnd, intervals);
    if (early > 0) problems.push(`workload ${wl.name} sent ${early} requests before its start`);
    if (late > 0) problems.push(`workload ${wl.name} sent ${late} requests after its end`);
  });
  return problems;
};

/** Every request ends exactly once: started = ended + still open, per series, counted from the request table itself. */
export const requestsConserved: Checker = (w) => {
  const open = new Float64Array(w.serviceNames.length + w.scenario.workload.length);
  const rq = w.requests;
  for (let r = 0; r < rq.capacity; r++) {
    if (rq.clientState[r] !== CLIENT_OPEN || rq.kind[r] !== ROW_REQUEST) continue;
    open[rq.service[r]!]! += 1;
    if (rq.workload[r] !== NONE) open[w.workloadSeriesBase + rq.workload[r]!]! += 1;
  }
  const problems: string[] = [];
  for (let s = 0; s < open.length; s++) {
    const started = w.startedPerSeries(s);
    const ended = w.endedPerSeries(s);
    if (started !== ended + open[s]!) problems.push(`series ${s}: ${started} started but ${ended} ended and ${open[s]} open`);
  }
  return problems;
};

/**
 * Every attempt row is accounted for (envoy.md §4.1: each attempt ends once): attached to its
 * open request as that request's current attempt, or detached and still owed a response by its
 * upstream (orphaned work) or still in a pending queue. A detached attempt whose response came
 * back, or an attached one whose request ended, is a leak. App-call rows belong to a live job.
 */
export const attemptsAccountedFor: Checker = (w) => {
  const rq = w.requests;
  const problems: string[] = [];
  let inUse = 0;
  for (let r = 0; r < rq.capacity; r++) {
    if (rq.clientState[r] === 0) continue;
    inUse++;
    if (rq.kind[r] === ROW_ATTEMPT) {
      const owner = rq.owner[r]!;
      if (rq.clientState[r] === CLIENT_OPEN) {
        if (rq.clientState[owner] !== CLIENT_OPEN || rq.kind[owner] !== ROW_REQUEST || rq.owner[owner] !== r) problems.push(`attempt ${r} attached to request ${owner}, which does not wait for it`);
      } else if (rq.upState[r] === UP_DONE) problems.push(`attempt ${r} detached and answered but never released`);
    } else if (rq.kind[r] === ROW_REQUEST && rq.clientState[r] !== CLIENT_OPEN) problems.push(`request ${r} ended but never released`);
  }
  if (inUse !== rq.live) problems.push(`${inUse} rows in use but the table counts ${rq.live}`);
  return problems;
};

/** Counts that cannot go negative or past their bounds. */
export const countsInBounds: Checker = (w) => {
  const problems: string[] = [];
  const pods = w.pods;
  for (let p = 0; p < pods.count; p++) {
    if (pods.jobs[p]! < 0 || pods.busy[p]! < 0) problems.push(`pod ${pods.names[p]}: jobs ${pods.jobs[p]}, busy ${pods.busy[p]}`);
    if (pods.busy[p]! > pods.jobs[p]!) problems.push(`pod ${pods.names[p]}: ${pods.busy[p]} busy workers but ${pods.jobs[p]} jobs`);
  }
  if (w.requests.live < 0) problems.push(`${w.requests.live} requests live`);
  const inFlight = w.istiod.pushesInFlight();
  if (inFlight < 0 || inFlight > w.istiod.pushThrottle()) problems.push(`${inFlight} pushes in flight, throttle ${w.istiod.pushThrottle()}`);
  return problems;
};

/**
 * Connections are conserved: pooled connections opened = closed + open, per (caller, upstream)
 * pair too, and each pair's running count of open connections is the pools' own; the conntrack
 * tables agree with the pools: every table's count is the sum of its states and within
 * nf_conntrack_max, and the ESTABLISHED entries are exactly those the open connections hold.
 */
export const connectionsConserved: Checker = (w) => {
  const c = w.connections;
  if (c === undefined) return [];
  const problems: string[] = [...c.poolProblems()];
  const open = c.openConnections();
  if (c.opened !== c.closed + open) problems.push(`${c.opened} connections opened but ${c.closed} closed and ${open} open`);
  problems.push(...connectsAccountedFor(c.tcp, c.opened), ...pairsAccountedFor(c, w.serviceNames));
  const t = c.tables;
  let established = 0;
  for (let i = 0; i < t.tables; i++) {
    let sum = 0;
    for (let s = 0; s < CT_STATES; s++) {
      const n = t.byState[i * CT_STATES + s]!;
      if (n < 0) problems.push(`conntrack table ${i}: ${n} entries in state ${s}`);
      sum += n;
    }
    established += t.byState[i * CT_STATES + CT_ESTABLISHED]!;
    if (sum !== t.count[i]) problems.push(`conntrack table ${i}: count ${t.count[i]} but its states sum to ${sum}`);
    if (t.count[i]! > t.config.maxEntries) problems.push(`conntrack table ${i}: ${t.count[i]} entries over nf_conntrack_max ${t.config.maxEntries}`);
  }
  const held = c.heldEstablishedEntries();
  if (held !== established) problems.push(`open connections hold ${held} ESTABLISHED entries but the tables have ${established}`);
  return problems;
};

/** Per (caller, upstream) pair, the running open count is the pools' recount, and the pairs sum to the totals. */
function pairsAccountedFor(c: ConnectionPools, serviceNames: readonly string[]): string[] {
  const pairs = c.byPair;
  const recount = c.openByPair();
  const problems: string[] = [];
  const name = (k: number) => {
    const { caller, upstream } = pairs.pairOf(k);
    return `${caller === INGRESS_SERVICE ? GATEWAY_NAME : serviceNames[caller]} -> ${serviceNames[upstream]}`;
  };
  let opened = 0;
  for (let k = 0; k < recount.length; k++) {
    opened += pairs.opened[k]!;
    if (problems.length >= 10) continue; // as poolProblems: the first ten say enough
    if (pairs.open[k] !== recount[k]) problems.push(`${name(k)}: ${pairs.open[k]} connections open by count but ${recount[k]} in the pools`);
    if (pairs.peakOpen[k]! < pairs.open[k]!) problems.push(`${name(k)}: the most open at once, ${pairs.peakOpen[k]}, is below the ${pairs.open[k]} open`);
  }
  if (opened !== c.opened) problems.push(`the pairs opened ${opened} connections but the pools ${c.opened}`);
  return problems;
}

/**
 * Every connect ended one way (its SYN got through on some send, Envoy closed it, the kernel gave
 * up) or still waits on a retransmit, and every pooled connection came from one that got through
 * (summary.conntrack.connectLatency sums to connectionsOpened).
 */
function connectsAccountedFor(tcp: TcpConnects, opened: number): string[] {
  let established = 0;
  for (const n of tcp.establishedBySyn) established += n;
  const ended = established + tcp.abandoned + tcp.timedOut;
  const problems: string[] = [];
  if (tcp.started !== ended + tcp.waiting) problems.push(`${tcp.started} connects started but ${established} got through, ${tcp.abandoned} were abandoned, ${tcp.timedOut} timed out and ${tcp.waiting} wait`);
  if (established !== opened) problems.push(`${established} connects got through but ${opened} connections were opened`);
  return problems;
}

export const ALL_CHECKERS: Record<string, Checker> = {
  deploymentsConverge,
  noDeadEndpoints,
  proxiesConverge,
  workloadsHonourWindows,
  requestsConserved,
  attemptsAccountedFor,
  countsInBounds,
  connectionsConserved,
  kubeProxyFollowsEndpointSlices,
};

/** Runs every checker; throws an InvariantError naming each violated invariant. */
export function runCheckers(w: WorldInspection, at: CheckPoint): void {
  const problems: string[] = [];
  for (const [name, check] of Object.entries(ALL_CHECKERS)) for (const p of check(w, at)) problems.push(`${name}: ${p}`);
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).join('\n  ');
    throw new InvariantError(`invariant violated at ${w.nowNs / 1e9}s (${at}):\n  ${shown}${problems.length > 10 ? `\n  ... and ${problems.length - 10} more` : ''}`);
  }
}
