/**
 * The calling app's own HTTP client (services.X.calls[].client): it sends a call through its
 * sidecar, gives up on a try after its timeout (closing the stream: the sidecar logs code 0 DC,
 * and whatever the upstream was doing goes on as orphaned work), waits its backoff, and tries
 * again, up to `attempts` tries in all, on top of whatever the sidecar's own retry policy does.
 * This is the layering of PagerDuty's incident (seed 000): a library's 3 tries x 250 ms over the
 * mesh's retries.
 *
 * One ROW_APP_CALL row per logical call holds the try count and the timers; each try is an
 * ordinary request row whose parent is the call row.
 */
import type { MeshContext } from '../context.ts';
import type { Router } from '../envoy/router.ts';
import { EventKind } from '../event-kinds.ts';
import type { RandomStream } from '../../engine/index.ts';
import { appBackoffNs } from './app-client-policy.ts';
import { CLIENT_ENDED, CLIENT_OPEN, JOB_CALLING, NONE, ROW_APP_CALL } from './requests.ts';

/** A logical call ended after its last try: success or not. */
export type CallDoneHandler = (job: number, jobGen: number, call: number, success: boolean) => void;

export class AppClient {
  private readonly ctx: MeshContext;
  private readonly router: Router;
  onDone: CallDoneHandler = () => {};
  private readonly jitterStreams: (RandomStream | undefined)[] = [];

  constructor(ctx: MeshContext, router: Router) {
    this.ctx = ctx;
    this.router = router;
  }

  /** Job `job` at `pod` makes call `c` (to `target`) through its client; `deadlineNs` is the job's own. */
  call(pod: number, job: number, c: number, target: number, deadlineNs: number): void {
    const rq = this.ctx.requests;
    const k = rq.alloc(ROW_APP_CALL);
    rq.kind[k] = ROW_APP_CALL;
    rq.client[k] = pod;
    rq.service[k] = target;
    rq.parent[k] = job;
    rq.parentGen[k] = rq.gen[job]!;
    rq.call[k] = c;
    rq.workload[k] = NONE;
    rq.host[k] = NONE;
    rq.startNs[k] = this.ctx.sim.nowNs;
    rq.deadlineNs[k] = deadlineNs;
    this.tryOnce(k);
  }

  private policyOf(k: number) {
    const rq = this.ctx.requests;
    return this.ctx.services[this.ctx.pods.service[rq.client[k]!]!]!.calls[rq.call[k]!]!.client!;
  }

  private tryOnce(k: number): void {
    const { requests: rq, sim } = this.ctx;
    const p = this.policyOf(k);
    const n = ++rq.attemptNo[k]!;
    if (n > 1) this.ctx.metrics.appRetry(rq.service[k]!, sim.nowNs);
    let deadline = rq.deadlineNs[k]!;
    // Armed before sending: the try may end at once (no host), which must find the timer to cancel.
    if (p.timeoutNs > 0) {
      rq.timeoutHandle[k] = sim.after(p.timeoutNs, EventKind.APP_CALL_TIMEOUT, k, rq.gen[k]!);
      deadline = Math.min(deadline, sim.nowNs + p.timeoutNs);
    }
    const gen = rq.gen[k]!;
    const r = this.router.send(rq.client[k]!, rq.service[k]!, k, rq.call[k]!, NONE, NONE, deadline);
    // If the try already ended (and the call with it), the row may be recycled: leave it alone.
    if (rq.gen[k] === gen && rq.clientState[r] === CLIENT_OPEN && rq.parent[r] === k) rq.owner[k] = r;
  }

  /** One try (request row `r`, parent `k`) ended. */
  onTryEnded(k: number, r: number, success: boolean): void {
    const { requests: rq, sim } = this.ctx;
    if (rq.timeoutHandle[k] !== 0) sim.cancel(rq.timeoutHandle[k]!);
    rq.timeoutHandle[k] = 0;
    if (rq.owner[k] === r) rq.owner[k] = NONE;
    const p = this.policyOf(k);
    if (success || rq.attemptNo[k]! >= p.attempts || !this.callerWaits(k)) return this.finish(k, success);
    const unit = p.jitter ? this.jitter(rq.client[k]!).nextUnit() : 0;
    rq.backoffHandle[k] = sim.after(appBackoffNs(p, rq.attemptNo[k]! + 1, unit), EventKind.APP_CALL_RETRY, k, rq.gen[k]!);
  }

  onTimeout(k: number, gen: number): void {
    const rq = this.ctx.requests;
    rq.check(k, gen);
    rq.timeoutHandle[k] = 0;
    const r = rq.owner[k]!;
    // The app closes the stream; its sidecar ends the request (code 0 DC), which calls onTryEnded.
    if (r !== NONE) this.router.cancelByApp(r);
  }

  onRetry(k: number, gen: number): void {
    const rq = this.ctx.requests;
    rq.check(k, gen);
    rq.backoffHandle[k] = 0;
    if (!this.callerWaits(k)) return this.finish(k, false);
    this.tryOnce(k);
  }

  /** The job that made the call still waits for it (its pod was not reset meanwhile). */
  private callerWaits(k: number): boolean {
    const rq = this.ctx.requests;
    const job = rq.parent[k]!;
    return rq.gen[job] === rq.parentGen[k] && rq.jobState[job] === JOB_CALLING;
  }

  private finish(k: number, success: boolean): void {
    const rq = this.ctx.requests;
    const job = rq.parent[k]!;
    const jobGen = rq.parentGen[k]!;
    const call = rq.call[k]!;
    rq.clientState[k] = CLIENT_ENDED;
    rq.release(k);
    this.onDone(job, jobGen, call, success);
  }

  private jitter(pod: number): RandomStream {
    return (this.jitterStreams[pod] ??= this.ctx.rng.stream(`pod/${this.ctx.pods.names[pod]}/app-client-backoff`));
  }
}
