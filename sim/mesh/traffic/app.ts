import { ResponseFlag } from '../../metrics/index.ts';
import type { MeshContext } from '../context.ts';
import type { Router } from '../envoy/router.ts';
import { EventKind } from '../event-kinds.ts';
import { Detail } from '../envoy/response-details.ts';
import { APP_SERVING, APP_STOPPING } from '../kube/pods.ts';
import type { RandomStream } from '../../engine/index.ts';
import type { AppClient } from './app-client.ts';
import {
  CLIENT_OPEN,
  InvariantError,
  JOB_CALLING,
  JOB_QUEUED,
  JOB_RESPONDED,
  JOB_SERVING,
  NONE,
  ROW_APP_CALL,
} from './requests.ts';

/** Called when a pod's app holds no more work (a stopping app can then exit). */
export type PodIdleHandler = (pod: number) => void;

/**
 * The application container of each pod, behind its inbound sidecar: a fixed number of workers
 * (concurrency) and a FIFO queue in front of them. A request's job is: wait for a worker, do the
 * service's own work (serviceTime), make its downstream calls step by step, then answer. The
 * worker stays busy while it waits on downstream calls, as a thread-per-request server does.
 *
 * Answers: 200; 500 if a required downstream call failed (the remaining steps are skipped);
 * 500 if the app's own request timeout fires first (app.requestTimeout, app-request-timeout.ts);
 * a reset (503, UC) to every job when the pod is killed.
 */
export class AppServer {
  private readonly ctx: MeshContext;
  private readonly router: Router;
  onIdle: PodIdleHandler = () => {};
  /** The pod's jobs reached its workers: from now on work queues (health probes wait). */
  onBusy: (pod: number) => void = () => {};
  /** Calls with an app-level client go through it (set by the world). */
  appClient: AppClient | undefined;
  private readonly degradeStreams: (RandomStream | undefined)[] = [];

  constructor(ctx: MeshContext, router: Router) {
    this.ctx = ctx;
    this.router = router;
  }

  /** A request reached `host`'s sidecar. */
  onArrive(r: number, gen: number): void {
    const { requests: rq, pods, sim } = this.ctx;
    rq.check(r, gen);
    const pod = rq.host[r]!;
    if (!pods.sidecarListening(pod)) {
      // Nothing listens on the pod's inbound port (it died, its Envoy exited or has no config
      // yet): the SYN gets an RST and the caller's Envoy reports a connect failure (§3.2: 503 UF).
      this.router.deliverUpstream(r, 503, ResponseFlag.UF, pod, Detail.UPSTREAM_REFUSED);
      return;
    }
    if (pods.app[pod] !== APP_SERVING) {
      // The inbound Envoy's connection to the app is refused (starting, or stopped accepting):
      // it answers 503 "upstream connect error ... connection failure" (§3.2), flag UF.
      this.router.deliverUpstream(r, 503, ResponseFlag.UF, pod, Detail.APP_REFUSED);
      return;
    }
    rq.arriveNs[r] = sim.nowNs;
    this.linkInbound(pod, r);
    const service = this.ctx.services[pods.service[pod]!]!;
    if (pods.busy[pod]! >= service.concurrency) this.enqueue(pod, r);
    else if (this.expired(service, r)) this.dropExpired(pod, r);
    else this.startService(pod, r);
  }

  /** Deadline propagation: nobody waits for this job any more (its caller's deadline passed). */
  private expired(service: MeshContext['services'][number], r: number): boolean {
    return service.deadlinePropagation && this.ctx.sim.nowNs >= this.ctx.requests.deadlineNs[r]!;
  }

  /** The app drops a job whose caller gave up, without working on it: 504, nobody listening. */
  private dropExpired(pod: number, r: number): void {
    const rq = this.ctx.requests;
    rq.jobState[r] = JOB_RESPONDED;
    this.unlinkInbound(pod, r);
    this.router.deliverUpstream(r, 504, 0, pod, Detail.DEADLINE_EXCEEDED);
  }

  onServiceDone(r: number, gen: number): void {
    const rq = this.ctx.requests;
    rq.check(r, gen);
    rq.serviceHandle[r] = 0;
    rq.step[r] = -1;
    rq.failed[r] = 0;
    const pod = rq.host[r]!;
    const service = this.ctx.services[this.ctx.pods.service[pod]!]!;
    // Timeline `degrade`: the app answers 500 by itself for this share of requests.
    if (service.errorRate > 0 && this.degradeRandom(service.id).nextUnit() < service.errorRate) return this.respond(pod, r, 500, Detail.APP_ERROR);
    this.nextStep(r);
  }

  /** Its own stream, so a degrade window shifts no other draws (common random numbers). */
  private degradeRandom(service: number): RandomStream {
    return (this.degradeStreams[service] ??= this.ctx.rng.stream(`service/${this.ctx.services[service]!.name}/degrade`));
  }

  /** A downstream call made by job `job` ended (any outcome). */
  onCallEnded(job: number, call: number, success: boolean): void {
    const rq = this.ctx.requests;
    if (rq.jobState[job] !== JOB_CALLING) return; // the job was aborted (its pod died)
    const pod = rq.host[job]!;
    if (!success && this.ctx.services[this.ctx.pods.service[pod]!]!.calls[call]!.required) rq.failed[job] = 1;
    if (--rq.pending[job]! === 0) this.nextStep(job);
  }

  /** Resets every job at `pod` (it was killed, or its Envoy exited): each client sees 503 UC. */
  abortJobs(pod: number): void {
    const { requests: rq, pods, sim } = this.ctx;
    for (let r = pods.inHead[pod]!; r !== NONE; r = rq.inNext[r]!) {
      if (rq.serviceHandle[r] !== 0) sim.cancel(rq.serviceHandle[r]!);
      rq.serviceHandle[r] = 0;
      this.cancelRequestTimeout(r);
      rq.jobState[r] = JOB_RESPONDED;
      this.router.deliverUpstream(r, 503, ResponseFlag.UC, pod, Detail.UPSTREAM_RESET);
    }
    pods.inHead[pod] = NONE;
    pods.queueHead[pod] = pods.queueTail[pod] = NONE;
    pods.busy[pod] = 0;
    pods.jobs[pod] = 0;
  }

  private startService(pod: number, r: number): void {
    const { requests: rq, pods, sim, metrics } = this.ctx;
    const service = this.ctx.services[pods.service[pod]!]!;
    pods.busy[pod]!++;
    rq.jobState[r] = JOB_SERVING;
    metrics.queueWait(service.id, sim.nowNs, sim.nowNs - rq.arriveNs[r]!);
    const sampled = service.serviceTime.sample(pods.appRandom[pod]!);
    let workNs = service.serviceTimeFactor === 1 ? sampled : Math.round(sampled * service.serviceTimeFactor);
    // Deadline propagation: the caller's cancellation reaches the app when its deadline passes,
    // which stops the work there (the next step then answers 504, nobody listening).
    if (service.deadlinePropagation && sim.nowNs + workNs > rq.deadlineNs[r]!) workNs = rq.deadlineNs[r]! - sim.nowNs;
    // Cancellable: a killed pod's unfinished work must never complete.
    rq.serviceHandle[r] = sim.after(workNs, EventKind.SERVICE_DONE, r, rq.gen[r]!);
    // Rack::Timeout counts service time from when the app takes the request, not its queue wait.
    if (service.requestTimeoutLine) rq.appTimeoutHandle[r] = service.requestTimeoutLine.schedule(EventKind.APP_REQUEST_TIMEOUT, r, rq.gen[r]!);
  }

  /**
   * The app's own request timeout fired (app.requestTimeout): like Rack::Timeout raising
   * RequestTimeoutException in the worker thread, the job stops where it is (its work, or the
   * calls it waits on, which the app abandons: their sidecar ends them code 0 DC) and the
   * framework answers 500.
   */
  onRequestTimeout(r: number, gen: number): void {
    const { requests: rq, sim } = this.ctx;
    rq.check(r, gen);
    rq.appTimeoutHandle[r] = 0;
    const pod = rq.host[r]!;
    if (rq.serviceHandle[r] !== 0) sim.cancel(rq.serviceHandle[r]!);
    rq.serviceHandle[r] = 0;
    // Found before answering: the answer may recycle row r, and the calls name it as parent.
    const calls = rq.jobState[r] === JOB_CALLING ? this.callsInFlight(pod, r) : [];
    this.respond(pod, r, 500, Detail.APP_REQUEST_TIMEOUT);
    for (const c of calls) if (rq.clientState[c] === CLIENT_OPEN) this.router.abandonByApp(c);
  }

  /** Requests pod's app has open for job r: its own calls, and its app client's current tries. */
  private callsInFlight(pod: number, r: number): number[] {
    const { requests: rq, pods } = this.ctx;
    const out: number[] = [];
    for (let c = pods.outHead[pod]!; c !== NONE; c = rq.outNext[c]!) {
      const parent = rq.parent[c]!;
      if (parent === r || (parent !== NONE && rq.kind[parent] === ROW_APP_CALL && rq.parent[parent] === r)) out.push(c);
    }
    return out;
  }

  /** Runs the job's next call step, or answers when there is none (or a required call failed). */
  private nextStep(r: number): void {
    const { requests: rq, pods } = this.ctx;
    const pod = rq.host[r]!;
    const service = this.ctx.services[pods.service[pod]!]!;
    for (;;) {
      const step = ++rq.step[r]!;
      if (rq.failed[r] === 1 || step >= service.steps.length) {
        this.respond(pod, r, rq.failed[r] === 1 ? 500 : 200);
        return;
      }
      // Deadline propagation: no more calls for a caller that gave up.
      if (this.expired(service, r)) return this.respond(pod, r, 504, Detail.DEADLINE_EXCEEDED);
      if (this.issueStep(pod, r, service.steps[step]!, service.calls)) return;
      // Every call of this step was skipped (probability) or ended at once (UH): go on.
    }
  }

  /** Issues one step's calls; returns true if some are still outstanding. */
  private issueStep(pod: number, r: number, step: number[], calls: MeshContext['services'][number]['calls']): boolean {
    const rq = this.ctx.requests;
    const random = this.ctx.pods.appRandom[pod]!;
    const deadline = this.ctx.services[this.ctx.pods.service[pod]!]!.deadlinePropagation ? rq.deadlineNs[r]! : Infinity;
    rq.jobState[r] = JOB_CALLING;
    // One guard count keeps the step open while calls that end at once (UH) are issued.
    rq.pending[r] = 1;
    for (const c of step) {
      const call = calls[c]!;
      if (call.probability < 1 && random.nextUnit() >= call.probability) continue;
      rq.pending[r]!++;
      if (call.client) this.appClient!.call(pod, r, c, call.target, deadline);
      else this.router.send(pod, call.target, r, c, NONE, NONE, deadline);
    }
    return --rq.pending[r]! > 0;
  }

  private respond(pod: number, r: number, code: number, detail: number = Detail.VIA_UPSTREAM): void {
    const { requests: rq, pods } = this.ctx;
    if (rq.jobState[r] === JOB_RESPONDED) throw new InvariantError(`job ${r} answered twice`);
    rq.jobState[r] = JOB_RESPONDED;
    this.cancelRequestTimeout(r);
    this.unlinkInbound(pod, r);
    pods.busy[pod]!--;
    this.router.deliverUpstream(r, code, 0, pod, detail);
    if (!this.startNext(pod) && pods.app[pod] === APP_STOPPING && pods.jobs[pod] === 0) this.onIdle(pod);
  }

  private cancelRequestTimeout(r: number): void {
    const rq = this.ctx.requests;
    const handle = rq.appTimeoutHandle[r]!;
    if (handle === 0) return;
    this.ctx.services[rq.service[r]!]!.requestTimeoutLine!.cancel(handle);
    rq.appTimeoutHandle[r] = 0;
  }

  /** A worker is free: the oldest queued job still wanted starts (expired ones are dropped). */
  private startNext(pod: number): boolean {
    const service = this.ctx.services[this.ctx.pods.service[pod]!]!;
    for (let next = this.dequeue(pod); next !== NONE; next = this.dequeue(pod)) {
      if (!this.expired(service, next)) {
        this.startService(pod, next);
        return true;
      }
      this.dropExpired(pod, next);
    }
    return false;
  }

  private enqueue(pod: number, r: number): void {
    const { requests: rq, pods } = this.ctx;
    rq.jobState[r] = JOB_QUEUED;
    rq.queueNext[r] = NONE;
    const tail = pods.queueTail[pod]!;
    if (tail === NONE) pods.queueHead[pod] = r;
    else rq.queueNext[tail] = r;
    pods.queueTail[pod] = r;
  }

  private dequeue(pod: number): number {
    const { requests: rq, pods } = this.ctx;
    const head = pods.queueHead[pod]!;
    if (head === NONE) return NONE;
    pods.queueHead[pod] = rq.queueNext[head]!;
    if (pods.queueHead[pod] === NONE) pods.queueTail[pod] = NONE;
    return head;
  }

  private linkInbound(pod: number, r: number): void {
    const { requests: rq, pods } = this.ctx;
    const head = pods.inHead[pod]!;
    rq.inPrev[r] = NONE;
    rq.inNext[r] = head;
    if (head !== NONE) rq.inPrev[head] = r;
    pods.inHead[pod] = r;
    if (++pods.jobs[pod]! === this.ctx.services[pods.service[pod]!]!.concurrency) this.onBusy(pod);
  }

  private unlinkInbound(pod: number, r: number): void {
    const { requests: rq, pods } = this.ctx;
    const prev = rq.inPrev[r]!;
    const next = rq.inNext[r]!;
    if (prev !== NONE) rq.inNext[prev] = next;
    else pods.inHead[pod] = next;
    if (next !== NONE) rq.inPrev[next] = prev;
    pods.jobs[pod]!--;
  }
}
