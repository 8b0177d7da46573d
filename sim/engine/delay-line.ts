import type { Scheduler } from './scheduler.ts';

const LIVE = 1;
const DONE = 0;

/**
 * Timers that all share one constant delay (a route timeout, say). Because the delay is
 * constant and time never goes back, entries are created in (time, seq) order, so a FIFO ring
 * holds them sorted and only the first live entry needs to be in the event queue.
 *
 * Each entry reserves the sequence number it would have had if scheduled directly, and enters
 * the queue with that original (time, seq): the firing order is identical to scheduling every
 * timer on the Scheduler. What changes is cost: the line keeps exactly one entry in the queue,
 * armed at a key no later than its first live timer, and cancelling never touches the queue.
 * When the armed entry surfaces for a timer that was cancelled meanwhile, the line re-arms at
 * its first live timer instead of dispatching. Most route timeouts are cancelled, usually the
 * oldest first; re-arming on every cancel left one stale queue entry per request (measured:
 * a large share of the event queue's work at 4000 pods), this costs one wake-up per delay.
 *
 * Handles are this line's own (absolute index + 1); 0 means none.
 */
export class DelayLine {
  readonly delayNs: number;
  private readonly scheduler: Scheduler;
  private readonly owner: number;

  private times = new Float64Array(64);
  private seqs = new Float64Array(64);
  private kinds = new Uint16Array(64);
  private argA = new Float64Array(64);
  private argB = new Float64Array(64);
  private states = new Uint8Array(64);
  private mask = 63;
  private head = 0; // absolute index of the oldest entry still stored
  private tail = 0; // absolute index one past the newest entry
  private armedSeq = -1; // seq of this line's one entry in the event queue, -1 if none

  /** @internal Created by Scheduler.createDelayLine. */
  constructor(scheduler: Scheduler, delayNs: number, owner: number) {
    this.scheduler = scheduler;
    this.delayNs = delayNs;
    this.owner = owner;
  }

  /** Entries stored, live or cancelled-but-not-yet-reclaimed. */
  get stored(): number {
    return this.tail - this.head;
  }

  /** Schedules `kind(a, b)` at now + delay; returns a handle for `cancel`. */
  schedule(kind: number, a = 0, b = 0): number {
    this.scheduler.checkKind(kind);
    if (this.tail - this.head === this.times.length) this.grow();
    const idx = this.tail++;
    const i = idx & this.mask;
    this.times[i] = this.scheduler.nowNs + this.delayNs;
    this.seqs[i] = this.scheduler.nextSeq();
    this.kinds[i] = kind;
    this.argA[i] = a;
    this.argB[i] = b;
    this.states[i] = LIVE;
    this.scheduler.adjustLive(1);
    if (this.armedSeq < 0) this.armHead();
    return idx + 1;
  }

  /** Cancels a timer in O(1); the queue entry, if it was this timer's, is left to surface. */
  cancel(handle: number): boolean {
    if (!this.isPending(handle)) return false;
    this.states[(handle - 1) & this.mask] = DONE;
    this.scheduler.adjustLive(-1);
    return true;
  }

  isPending(handle: number): boolean {
    const idx = handle - 1;
    return idx >= this.head && idx < this.tail && this.states[idx & this.mask] === LIVE;
  }

  /**
   * @internal The scheduler popped our queue entry (key `seq`). Returns true when that timer
   * is still live, so the scheduler dispatches it; false when it was cancelled. Either way the
   * line re-arms at its next live timer.
   */
  headFired(seq: number): boolean {
    this.armedSeq = -1;
    while (this.head < this.tail && this.states[this.head & this.mask] !== LIVE) this.head++;
    const live = this.head < this.tail && this.seqs[this.head & this.mask] === seq;
    if (live) this.states[this.head & this.mask] = DONE;
    this.armHead();
    return live;
  }

  /** Drops dead entries from the front and queues the first live one. */
  private armHead(): void {
    while (this.head < this.tail && this.states[this.head & this.mask] !== LIVE) this.head++;
    if (this.head === this.tail) return;
    const i = this.head & this.mask;
    this.armedSeq = this.seqs[i]!;
    this.scheduler.pushOwned(this.times[i]!, this.seqs[i]!, this.kinds[i]!, this.argA[i]!, this.argB[i]!, this.owner);
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const times = new Float64Array(cap);
    const seqs = new Float64Array(cap);
    const kinds = new Uint16Array(cap);
    const argA = new Float64Array(cap);
    const argB = new Float64Array(cap);
    const states = new Uint8Array(cap);
    for (let idx = this.head; idx < this.tail; idx++) {
      const from = idx & this.mask;
      const to = idx & (cap - 1);
      times[to] = this.times[from]!;
      seqs[to] = this.seqs[from]!;
      kinds[to] = this.kinds[from]!;
      argA[to] = this.argA[from]!;
      argB[to] = this.argB[from]!;
      states[to] = this.states[from]!;
    }
    this.times = times;
    this.seqs = seqs;
    this.kinds = kinds;
    this.argA = argA;
    this.argB = argB;
    this.states = states;
    this.mask = cap - 1;
  }
}
