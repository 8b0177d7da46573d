import { EventQueue } from './event-queue.ts';
import { DelayLine } from './delay-line.ts';
import { EventDigest } from './event-digest.ts';

/**
 * Receives every fired event. Models register one dispatch function (usually a `switch`
 * over integer kinds), so the engine makes one call per event and never allocates a closure
 * per event (style-and-performance.md B1, technique 3).
 */
export type Dispatch = (kind: number, a: number, b: number) => void;

/** Why `run` returned. */
export type StopReason = 'time' | 'empty' | 'budget' | 'stopped';

/** An opaque, generation-tagged handle of a cancellable event. 0 is never a valid handle. */
export type Handle = number;
export const NO_HANDLE: Handle = 0;

/** Thrown when a model breaks an engine rule (time going back, too many pending events). */
export class EngineError extends Error {
  override name = 'EngineError';
}

/** Event kinds are 12-bit: 0..4095. */
export const MAX_EVENT_KIND = 4095;
/** Explicit limit: at most 2^24 (16,777,216) cancellable events pending at once. */
export const MAX_CANCELLABLE_PENDING = 2 ** 24;

// An entry's `word` packs kind (12 bits), delay-line owner (12 bits) and cancel slot + 1 (above).
const KIND_SPACE = 4096;
const OWNER_SPACE = 4096;
const SLOT_SHIFT = KIND_SPACE * OWNER_SPACE;
// A handle packs (generation, slot): slot below 2^24, generation above.
const GEN_LIMIT = 2 ** 28;
// Cancel-slot tags: generation * 4 + state.
const FREE = 0;
const LIVE = 1;
const CANCELLED = 2;

export interface SchedulerOptions {
  initialCapacity?: number;
}

/**
 * The discrete-event kernel: integer time, events totally ordered by (time, seq) with FIFO
 * ties, O(1) cancellation, and runs bounded by a time and an event budget.
 *
 * Two ways to schedule:
 * - `post`/`postAfter`: fire-and-forget. The payload lives in the queue entry; nothing else is
 *   allocated. Most events (message deliveries, completions) are this kind.
 * - `at`/`after`: returns a Handle for O(1) `cancel`. Cancellation only marks a tag; the entry is
 *   skipped when it surfaces (lazy, generation-tagged: a stale handle never cancels a newer event).
 * Mostly-cancelled constant-delay timers (route timeouts) belong in a DelayLine instead.
 */
export class Scheduler {
  /** Current simulated time. Never decreases. */
  nowNs = 0;
  /** Events dispatched so far (cancelled ones are not counted). */
  eventsFired = 0;

  private readonly queue: EventQueue;
  private readonly dispatch: Dispatch;
  private readonly digestState = new EventDigest();
  private seq = 0;
  private live = 0;
  private stopRequested = false;

  private tags = new Uint32Array(256);
  private freeSlots = new Int32Array(256);
  private freeCount = 0;
  private slotsUsed = 0;
  private readonly lines: DelayLine[] = [];

  constructor(dispatch: Dispatch, options: SchedulerOptions = {}) {
    this.dispatch = dispatch;
    this.queue = new EventQueue(Math.max(64, options.initialCapacity ?? 1024));
  }

  /** Bytes of the pending-event storage now (run-limits.ts keeps the peak). */
  get allocatedBytes(): number {
    return this.queue.allocatedBytes + this.tags.byteLength + this.freeSlots.byteLength;
  }

  /** Live (not cancelled) pending events. */
  get pending(): number {
    return this.live;
  }

  /** Fire-and-forget: schedules `kind(a, b)` at absolute time `timeNs` (integer, >= now). */
  post(timeNs: number, kind: number, a = 0, b = 0): void {
    this.checkTime(timeNs);
    this.checkKind(kind);
    this.live++;
    this.queue.push(timeNs, this.seq++, kind, a, b);
  }

  /** Fire-and-forget after a non-negative integer delay. */
  postAfter(delayNs: number, kind: number, a = 0, b = 0): void {
    this.post(this.nowNs + delayNs, kind, a, b);
  }

  /** Cancellable: schedules `kind(a, b)` at absolute time `timeNs` and returns its handle. */
  at(timeNs: number, kind: number, a = 0, b = 0): Handle {
    this.checkTime(timeNs);
    this.checkKind(kind);
    const slot = this.freeCount > 0 ? this.freeSlots[--this.freeCount]! : this.newSlot();
    const gen = this.tags[slot]! >>> 2;
    this.tags[slot] = gen * 4 + LIVE;
    this.live++;
    this.queue.push(timeNs, this.seq++, kind + (slot + 1) * SLOT_SHIFT, a, b);
    return gen * MAX_CANCELLABLE_PENDING + slot;
  }

  /** Cancellable, after a non-negative integer delay. */
  after(delayNs: number, kind: number, a = 0, b = 0): Handle {
    return this.at(this.nowNs + delayNs, kind, a, b);
  }

  /** Cancels a pending event in O(1). Returns false if it already fired or was cancelled. */
  cancel(handle: Handle): boolean {
    const slot = handle % MAX_CANCELLABLE_PENDING;
    if (!this.isLiveHandle(handle, slot)) return false;
    this.tags[slot] = (this.tags[slot]! & ~3) | CANCELLED;
    this.live--;
    return true;
  }

  isPending(handle: Handle): boolean {
    return this.isLiveHandle(handle, handle % MAX_CANCELLABLE_PENDING);
  }

  /** Asks `run` to return after the event being dispatched. */
  stop(): void {
    this.stopRequested = true;
  }

  /** A timer list for one constant delay; see DelayLine. */
  createDelayLine(delayNs: number): DelayLine {
    if (!Number.isSafeInteger(delayNs) || delayNs < 0) {
      throw new EngineError(`delay line needs a non-negative integer delay, got ${delayNs}`);
    }
    if (this.lines.length >= OWNER_SPACE - 1) throw new EngineError(`too many delay lines (max ${OWNER_SPACE - 1})`);
    const line = new DelayLine(this, delayNs, this.lines.length + 1);
    this.lines.push(line);
    return line;
  }

  /**
   * Fires events in (time, seq) order until the next event is later than `untilNs`
   * (time then advances to `untilNs`), the queue is empty, `maxEvents` have fired in this
   * call, or a handler called `stop()`.
   */
  run(untilNs = Infinity, maxEvents = Infinity): StopReason {
    const queue = this.queue;
    const budgetEnd = this.eventsFired + maxEvents;
    this.stopRequested = false;
    while (queue.size > 0) {
      const timeNs = queue.peekTime();
      if (timeNs > untilNs) {
        this.nowNs = untilNs;
        return 'time';
      }
      if (this.eventsFired >= budgetEnd) return 'budget';
      const o = queue.pop();
      const d = queue.front;
      const word = d[o + 2]!;
      // NOTE (hot path): the common case, a plain post() without owner or slot, skips the checks.
      if (word >= KIND_SPACE && !this.claim(word, d[o + 1]!)) continue;
      this.nowNs = timeNs;
      this.live--;
      this.eventsFired++;
      const kind = word & (KIND_SPACE - 1);
      const a = d[o + 3]!;
      this.digestState.add(timeNs, kind, a);
      this.dispatch(kind, a, d[o + 4]!);
      if (this.stopRequested) return 'stopped';
    }
    if (untilNs !== Infinity && untilNs > this.nowNs) this.nowNs = untilNs;
    return 'empty';
  }

  /** A hex digest of every fired event's (time, kind, a): equal digests mean equal histories. */
  digest(): string {
    return this.digestState.hex();
  }

  // ---- internal API for DelayLine ----

  /** @internal Reserves the next sequence number, so a DelayLine entry keeps its place in the total order. */
  nextSeq(): number {
    return this.seq++;
  }

  /** @internal Queues a DelayLine head with the sequence number it reserved earlier. */
  pushOwned(timeNs: number, seq: number, kind: number, a: number, b: number, owner: number): void {
    this.queue.push(timeNs, seq, kind + owner * KIND_SPACE, a, b);
  }

  /** @internal A DelayLine entry was scheduled or cancelled: keeps the live count right. */
  adjustLive(delta: number): void {
    this.live += delta;
  }

  // ---- private ----

  /**
   * For an entry that carries a cancel slot or a delay-line owner: decides whether it fires,
   * and releases what it held. Returns false for a cancelled (or superseded) entry.
   */
  private claim(word: number, seq: number): boolean {
    const slotPlusOne = Math.floor(word / SLOT_SHIFT);
    if (slotPlusOne !== 0) {
      const slot = slotPlusOne - 1;
      const state = this.tags[slot]! & 3;
      this.releaseSlot(slot);
      if (state !== LIVE) return false;
    }
    const owner = Math.floor(word / KIND_SPACE) % OWNER_SPACE;
    return owner === 0 || this.lines[owner - 1]!.headFired(seq);
  }

  private isLiveHandle(handle: Handle, slot: number): boolean {
    if (!(handle > 0) || slot >= this.slotsUsed) return false;
    const tag = this.tags[slot]!;
    return (tag & 3) === LIVE && (tag >>> 2) * MAX_CANCELLABLE_PENDING + slot === handle;
  }

  private newSlot(): number {
    if (this.slotsUsed === this.tags.length) this.growSlots();
    const slot = this.slotsUsed++;
    this.tags[slot] = 1 * 4 + FREE; // generations start at 1, so handle 0 is never valid
    return slot;
  }

  private releaseSlot(slot: number): void {
    const g = (this.tags[slot]! >>> 2) + 1;
    this.tags[slot] = (g === GEN_LIMIT ? 1 : g) * 4 + FREE;
    this.freeSlots[this.freeCount++] = slot;
  }

  private checkTime(timeNs: number): void {
    // One range test plus floor() rejects the past, NaN, Infinity and fractions alike.
    if (!(timeNs >= this.nowNs && timeNs <= Number.MAX_SAFE_INTEGER && Math.floor(timeNs) === timeNs)) {
      throw new EngineError(`cannot schedule at ${timeNs} ns: time must be an integer >= now (${this.nowNs} ns)`);
    }
  }

  /** @internal Also used by DelayLine. */
  checkKind(kind: number): void {
    // (kind & 4095) === kind holds exactly for the integers 0..4095.
    if ((kind & MAX_EVENT_KIND) !== kind) {
      throw new EngineError(`event kind must be an integer in 0..${MAX_EVENT_KIND}, got ${kind}`);
    }
  }

  private growSlots(): void {
    const n = this.tags.length;
    if (n >= MAX_CANCELLABLE_PENDING) {
      throw new EngineError(`more than ${MAX_CANCELLABLE_PENDING} cancellable events pending at once`);
    }
    const tags = new Uint32Array(n * 2);
    tags.set(this.tags);
    this.tags = tags;
    const free = new Int32Array(n * 2);
    free.set(this.freeSlots);
    this.freeSlots = free;
  }
}
