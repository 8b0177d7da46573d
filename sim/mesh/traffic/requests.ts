/**
 * Every in-flight request as rows of typed arrays, addressed by dense ids recycled through a free
 * list. Three kinds of row share the table (column `kind`):
 *
 * - ROW_REQUEST: a downstream request at the client sidecar (one hop: the calling app's sidecar
 *   to one upstream cluster). It owns the route timeout, the retry state, the access-log line and
 *   the metrics; `current` is its attempt in flight (NONE between attempts, or before any).
 * - ROW_ATTEMPT: one upstream try of a request (envoy.md §4.1), to one host. It carries the
 *   server side's job (queueing, service, downstream calls), because an attempt is served at
 *   most once; `owner` is its request. When the request stops waiting for it (per-try timeout,
 *   route timeout, the caller went away) it is detached (clientState ENDED) and its work goes on
 *   at the server as orphaned work until its response is discarded.
 * - ROW_APP_CALL: one logical call of an app whose own HTTP client retries (app-client.ts).
 *
 * A row lives until both ends are done: the client side ended (response, timeout, no host,
 * caller died) and the upstream side finished (its response or reset was delivered back, or it
 * was never sent). Events carry the row's generation and assert it, so an event can never act
 * on a recycled row.
 *
 * Intrusive doubly-linked lists thread rows through three per-pod lists without allocation:
 * a pod's inbound jobs, its outbound (client-open) requests, and its app's FIFO queue.
 */

export const NONE = -1;

// Client-side state.
export const CLIENT_OPEN = 1;
export const CLIENT_ENDED = 2;
// Upstream-side state.
export const UP_NOT_SENT = 0;
export const UP_IN_FLIGHT = 1;
export const UP_DONE = 2;
/**
 * Handed to a connection pool that has no ready connection for it: a pending stream waiting for
 * a connect (envoy.md §5), counted as pending, not as rq_active, until it is on a connection.
 */
export const UP_CONNECTING = 3;
// Server job state (at the upstream pod).
export const JOB_NONE = 0;
export const JOB_QUEUED = 1;
export const JOB_SERVING = 2;
export const JOB_CALLING = 3;
export const JOB_RESPONDED = 4;
// Row kinds.
export const ROW_REQUEST = 0;
export const ROW_ATTEMPT = 1;
export const ROW_APP_CALL = 2;
/** Hosts remembered per request for the previous_hosts retry predicate (envoy.md §4.1). */
export const PREV_HOSTS = 4;

/** Thrown when the model breaks its own invariants (a bug, never a user error). */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

export class RequestTable {
  capacity: number;
  /** Rows in use (requests, attempts, app calls). */
  live = 0;
  /** Downstream requests open: what limits.maxInFlightRequests bounds. */
  liveRequests = 0;
  readonly maxLive: number;

  gen!: Uint32Array;
  kind!: Uint8Array;
  clientState!: Uint8Array;
  upState!: Uint8Array;
  jobState!: Uint8Array;
  /** Proxy (pod id) that sent it. */
  client!: Int32Array;
  /** Destination service id. */
  service!: Int32Array;
  /** Chosen upstream pod id, NONE if no host. */
  host!: Int32Array;
  /** Root requests: the workload index; otherwise NONE. */
  workload!: Int32Array;
  /** Closed-loop client id for root requests; for an app's startup call, the app container's epoch. */
  workloadClient!: Int32Array;
  /** The job (request id) waiting for this call, NONE for root requests. */
  parent!: Int32Array;
  /** The calling service's flattened call index (for `required`). */
  call!: Int32Array;
  /** A number unique over the whole run (rows are recycled; serials are not). */
  serial!: Float64Array;
  startNs!: Float64Array;
  arriveNs!: Float64Array;
  timeoutHandle!: Float64Array;
  serviceHandle!: Float64Array;
  /** The app's own request timeout for this job (app.requestTimeout), 0 if none armed. */
  appTimeoutHandle!: Float64Array;
  /** Status and flags the upstream side will deliver (app answer or reset). */
  upCode!: Int16Array;
  upFlags!: Uint16Array;
  /** Why the upstream side answered as it did, and why the request ended (response-details.ts). */
  upDetail!: Uint8Array;
  detail!: Uint8Array;
  /** Job progress: current call step, calls outstanding in it, whether a required call failed. */
  step!: Int16Array;
  pending!: Int32Array;
  failed!: Uint8Array;
  // Intrusive lists.
  inPrev!: Int32Array;
  inNext!: Int32Array;
  outPrev!: Int32Array;
  outNext!: Int32Array;
  queueNext!: Int32Array;
  // Retries (router.ts, app-client.ts).
  /** Request: its attempt in flight, NONE if none. Attempt: its request. App call: its request in flight. */
  owner!: Int32Array;
  /** gen of `parent` when this row was created: a recycled parent row is never notified. */
  parentGen!: Uint32Array;
  /** Request: attempts made so far. Attempt: its number (x-envoy-attempt-count). App call: tries made. */
  attemptNo!: Int16Array;
  /** Request: retries_remaining (envoy.md §4.1). */
  retriesLeft!: Int16Array;
  /** Request: 1 while it holds the cluster's retries resource (scheduled retry, §4.4). */
  retryHeld!: Uint8Array;
  /** Request: the backoff strategy's next_interval in ms (§4.2). */
  backoffMs!: Int32Array;
  /** Request or app call: the pending backoff timer (a Scheduler handle, 0 = none). */
  backoffHandle!: Float64Array;
  /** Request: the last PREV_HOSTS hosts tried, ring-indexed by attempt number. */
  prevHosts!: Int32Array;
  /** Absolute time after which nobody waits for this work (deadline propagation); Infinity = none. */
  deadlineNs!: Float64Array;

  private free: Int32Array;
  private freeCount = 0;
  private used = 0;
  private nextSerial = 0;

  constructor(initialCapacity: number, maxLive: number) {
    this.capacity = Math.max(16, Math.min(initialCapacity, 2 * maxLive));
    this.maxLive = maxLive;
    this.allocateArrays(this.capacity);
    this.free = new Int32Array(this.capacity);
  }

  /** A fresh row of `kind`, or throws when a request would exceed the in-flight limit. */
  alloc(kind: number = ROW_REQUEST): number {
    if (kind === ROW_REQUEST && this.liveRequests >= this.maxLive) throw new RunLimitError(
        `more than limits.maxInFlightRequests (${this.maxLive}) requests in flight at once; raise limits.maxInFlightRequests, or give the overloaded service more pods or a timeout`,
      );
    let id: number;
    if (this.freeCount > 0) id = this.free[--this.freeCount]!;
    else {
      if (this.used === this.capacity) this.grow();
      id = this.used++;
      this.gen[id] = 1;
    }
    this.live++;
    if (kind === ROW_REQUEST) this.liveRequests++;
    this.kind[id] = kind;
    this.owner[id] = NONE;
    this.attemptNo[id] = 0;
    this.retryHeld[id] = 0;
    this.backoffHandle[id] = 0;
    this.deadlineNs[id] = Infinity;
    this.serial[id] = this.nextSerial++;
    this.clientState[id] = CLIENT_OPEN;
    this.upState[id] = UP_NOT_SENT;
    this.jobState[id] = JOB_NONE;
    this.timeoutHandle[id] = 0;
    this.serviceHandle[id] = 0;
    this.appTimeoutHandle[id] = 0;
    this.upCode[id] = 0;
    this.upFlags[id] = 0;
    this.upDetail[id] = 0;
    this.detail[id] = 0;
    this.inPrev[id] = this.inNext[id] = this.outPrev[id] = this.outNext[id] = this.queueNext[id] = NONE;
    return id;
  }

  /** Frees a row whose both ends are done. */
  release(id: number): void {
    if (this.clientState[id] !== CLIENT_ENDED || this.upState[id] === UP_IN_FLIGHT || this.upState[id] === UP_CONNECTING) {
      throw new InvariantError(`request ${id} released while still active`);
    }
    this.clientState[id] = 0;
    this.gen[id] = this.gen[id]! + 1;
    this.free[this.freeCount++] = id;
    this.live--;
    if (this.kind[id] === ROW_REQUEST) this.liveRequests--;
  }

  /** Asserts that an event still refers to the row it was scheduled for. */
  check(id: number, gen: number): void {
    if (this.gen[id] !== gen) throw new InvariantError(`stale event for request ${id} (gen ${gen}, now ${this.gen[id]})`);
  }

  /** Open downstream requests, for the interval census (O(rows ever used)). */
  forEachOpenClient(fn: (id: number) => void): void {
    for (let id = 0; id < this.used; id++) if (this.clientState[id] === CLIENT_OPEN && this.kind[id] === ROW_REQUEST) fn(id);
  }

  private grow(): void {
    // Attempts and app calls take rows besides the requests (orphaned work included), so the
    // table is not capped at maxLive; limits.maxMemoryMb bounds it.
    const cap = this.capacity * 2;
    this.allocateArrays(cap);
    const free = new Int32Array(cap);
    free.set(this.free);
    this.free = free;
    this.capacity = cap;
  }

  private allocateArrays(cap: number): void {
    const f64 = (old?: Float64Array) => copy(new Float64Array(cap), old);
    const i32 = (old?: Int32Array) => copy(new Int32Array(cap), old);
    this.gen = copy(new Uint32Array(cap), this.gen);
    this.kind = copy(new Uint8Array(cap), this.kind);
    this.parentGen = copy(new Uint32Array(cap), this.parentGen);
    this.owner = i32(this.owner);
    this.attemptNo = copy(new Int16Array(cap), this.attemptNo);
    this.retriesLeft = copy(new Int16Array(cap), this.retriesLeft);
    this.retryHeld = copy(new Uint8Array(cap), this.retryHeld);
    this.backoffMs = i32(this.backoffMs);
    this.backoffHandle = f64(this.backoffHandle);
    this.prevHosts = copy(new Int32Array(cap * PREV_HOSTS), this.prevHosts);
    this.deadlineNs = f64(this.deadlineNs);
    this.clientState = copy(new Uint8Array(cap), this.clientState);
    this.upState = copy(new Uint8Array(cap), this.upState);
    this.jobState = copy(new Uint8Array(cap), this.jobState);
    this.failed = copy(new Uint8Array(cap), this.failed);
    this.upCode = copy(new Int16Array(cap), this.upCode);
    this.upFlags = copy(new Uint16Array(cap), this.upFlags);
    this.upDetail = copy(new Uint8Array(cap), this.upDetail);
    this.detail = copy(new Uint8Array(cap), this.detail);
    this.step = copy(new Int16Array(cap), this.step);
    this.client = i32(this.client);
    this.service = i32(this.service);
    this.host = i32(this.host);
    this.workload = i32(this.workload);
    this.workloadClient = i32(this.workloadClient);
    this.parent = i32(this.parent);
    this.call = i32(this.call);
    this.pending = i32(this.pending);
    this.inPrev = i32(this.inPrev);
    this.inNext = i32(this.inNext);
    this.outPrev = i32(this.outPrev);
    this.outNext = i32(this.outNext);
    this.queueNext = i32(this.queueNext);
    this.serial = f64(this.serial);
    this.startNs = f64(this.startNs);
    this.arriveNs = f64(this.arriveNs);
    this.timeoutHandle = f64(this.timeoutHandle);
    this.serviceHandle = f64(this.serviceHandle);
    this.appTimeoutHandle = f64(this.appTimeoutHandle);
  }
}

/** A run-time budget was exceeded; the run stops with this message. */
export class RunLimitError extends Error {
  override name = 'RunLimitError';
}

function copy<T extends { set(a: ArrayLike<number>): void }>(fresh: T, old: ArrayLike<number> | undefined): T {
  if (old) fresh.set(old);
  return fresh;
}
