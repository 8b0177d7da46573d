/**
 * The pending-event set: entries [timeNs, seq, word, a, b], popped in exact (time, seq) order.
 * seq is unique, so equal-time entries come out in seq order (FIFO ties, the determinism
 * contract of ARCHITECTURE.md). `word`, `a` and `b` are the caller's payload.
 *
 * Structure: a 16-ary radix heap. Simulated time never goes back, so keys are monotone, and a
 * radix heap exploits that. `base` is the time of the current minimum; bucket 0 holds the
 * entries at exactly `base`; any other entry lives in the bucket of (the highest 4-bit digit
 * where its time differs from base, that digit's value). Entries in a lower digit position, or a
 * lower value in the same position, are always earlier. Popping takes from bucket 0; when it is
 * used up, the lowest non-empty bucket is scanned for its minimum, which becomes the new base,
 * and only that bucket's entries move, to lower digit positions. An entry moves about once per
 * digit between its delay and the gap between events (about twice in a 4000-pod run; a binary
 * radix heap moved each entry about 6 times), and every move is a sequential append, so the cost
 * per event is nearly flat from 10^3 to 10^6 pending events.
 *
 * Why not the binary heap sketched in ARCHITECTURE.md: on this project's 2-core machine the best
 * typed (time, seq) binary heap we built (interleaved, branchless, bottom-up variants tried) did
 * ~0.75M pops/s at 10^6 pending; this radix heap does ~3-4M/s with the identical pop order.
 * Equal times are common (constant latencies, integer-us benchmarks), and a (time, seq) binary
 * heap then sifts all the way down; the radix heap never compares seqs at all in the usual case.
 *
 * Seq order inside bucket 0: entries arrive in seq order except when a DelayLine re-inserts an
 * entry with the older seq it reserved; bucket 0 is then kept sorted by seq (binary-search
 * insertion, or a sort after a refill that saw one out of order).
 *
 * NOTE (hot path): buckets are Float64Arrays of 5-number entries; no object per entry. The
 * scheduler reads popped entries straight from `front` at the offset `pop` returns.
 */
const DIGIT_BITS = 4;
const DIGITS = 1 << DIGIT_BITS; // values of one digit
const LEVELS = 14; // 4-bit digit positions covering a 53-bit time
const BUCKETS = 1 + LEVELS * DIGITS; // bucket 0, then (level, digit)
export const ENTRY = 5;
const TWO_32 = 4294967296;
/** A bucket array at least this large is handed back to the spares when a refill empties it. */
const SPARE_MIN_LENGTH = 4096 * ENTRY;
/** At most this many spare arrays are kept; beyond it the smallest goes to the GC. */
const MAX_SPARES = 16;

/**
 * Bucket index of `timeNs` relative to `base` (timeNs >= base, both safe integers), given
 * `boundary`, the first multiple of 2^32 above base: 0 when equal, else
 * 1 + level * 16 + digit, where level is the highest 4-bit digit position at which they differ
 * and digit is timeNs's value there (never 0: timeNs is the larger one).
 * NOTE (hot path): timeNs >= base shares base's high 32 bits exactly when it is below
 * `boundary`, so one comparison replaces a division in the common case.
 */
export function bucketOf(timeNs: number, base: number, boundary: number): number {
  if (timeNs < boundary) {
    const lx = (timeNs ^ base) >>> 0; // `^` applies ToInt32: exact modulo 2^32
    if (lx === 0) return 0;
    const level = (31 - Math.clz32(lx)) >> 2;
    return 1 + level * DIGITS + (((timeNs >>> 0) >>> (level * DIGIT_BITS)) & (DIGITS - 1));
  }
  const hi = (timeNs / TWO_32) >>> 0;
  const hx = (hi ^ ((base / TWO_32) >>> 0)) >>> 0;
  const level = 8 + ((31 - Math.clz32(hx)) >> 2);
  return 1 + level * DIGITS + ((hi >>> ((level - 8) * DIGIT_BITS)) & (DIGITS - 1));
}

function boundaryAbove(base: number): number {
  return (Math.floor(base / TWO_32) + 1) * TWO_32;
}

export class EventQueue {
  /** Bucket 0, the entries at exactly the current base time; read by the scheduler after `pop`. */
  front: Float64Array;
  private readonly data: Float64Array[] = [];
  private readonly lens = new Int32Array(BUCKETS);
  private levelMask = 0; // bit L set when some bucket of digit position L is non-empty
  private readonly digitMask = new Int32Array(LEVELS); // per position: bit v set when (L, v) is non-empty
  private base = 0;
  private boundary = TWO_32; // first multiple of 2^32 above base
  private read = 0; // consumed prefix of bucket 0
  private count = 0;
  /**
   * Large bucket arrays no bucket holds now. NOTE (memory): a burst of events cascades down the
   * digit positions, each bucket filling in turn; if every bucket kept the capacity of its own
   * fullest moment, storage would grow to several times the most events ever pending at once
   * (6x in the health-check bench), and each doubling would leave garbage the GC frees late.
   * An emptied large bucket returns its array here, and a growing bucket takes one from here.
   */
  private readonly spares: Float64Array[] = [];

  constructor(initialCapacity = 1024) {
    for (let b = 0; b < BUCKETS; b++) this.data.push(new Float64Array(ENTRY * (b === 0 ? initialCapacity : 16)));
    this.front = this.data[0]!;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes the buckets and the spares hold. */
  get allocatedBytes(): number {
    let bytes = 0;
    for (const d of this.data) bytes += d.byteLength;
    for (const d of this.spares) bytes += d.byteLength;
    return bytes;
  }

  /** Time of the smallest entry. Only meaningful when `size > 0`. */
  peekTime(): number {
    if (this.read === this.lens[0]) this.refill();
    return this.base;
  }

  push(timeNs: number, seq: number, word: number, a: number, b: number): void {
    if (timeNs < this.base) this.rebase(timeNs);
    this.count++;
    const bucket = bucketOf(timeNs, this.base, this.boundary);
    if (bucket !== 0) this.append(bucket, timeNs, seq, word, a, b);
    else this.pushBase(timeNs, seq, word, a, b);
  }

  /** Removes the smallest entry; returns its offset in `front` (valid until the next push). */
  pop(): number {
    if (this.read === this.lens[0]) this.refill();
    this.count--;
    return this.read++ * ENTRY;
  }

  private append(bucket: number, t: number, seq: number, word: number, a: number, b: number): void {
    let d = this.data[bucket]!;
    const len = this.lens[bucket]!;
    if ((len + 1) * ENTRY > d.length) d = this.growBucket(bucket);
    const o = len * ENTRY;
    d[o] = t;
    d[o + 1] = seq;
    d[o + 2] = word;
    d[o + 3] = a;
    d[o + 4] = b;
    this.lens[bucket] = len + 1;
    if (len === 0 && bucket !== 0) this.markNonEmpty(bucket);
  }

  private markNonEmpty(bucket: number): void {
    const level = (bucket - 1) >> DIGIT_BITS;
    this.digitMask[level]! |= 1 << ((bucket - 1) & (DIGITS - 1));
    this.levelMask |= 1 << level;
  }

  private markEmpty(bucket: number): void {
    const level = (bucket - 1) >> DIGIT_BITS;
    const m = (this.digitMask[level]! &= ~(1 << ((bucket - 1) & (DIGITS - 1))));
    if (m === 0) this.levelMask &= ~(1 << level);
  }

  /** Adds an entry at exactly `base`, keeping the unconsumed part of bucket 0 in seq order. */
  private pushBase(t: number, seq: number, word: number, a: number, b: number): void {
    const len = this.lens[0]!;
    const inOrder = len === this.read || this.front[(len - 1) * ENTRY + 1]! < seq;
    this.append(0, t, seq, word, a, b);
    if (!inOrder) this.moveLastIntoSeqOrder(len);
  }

  private moveLastIntoSeqOrder(last: number): void {
    const d = this.front;
    const seq = d[last * ENTRY + 1]!;
    let lo = this.read;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (d[mid * ENTRY + 1]! < seq) lo = mid + 1;
      else hi = mid;
    }
    const entry = d.slice(last * ENTRY, last * ENTRY + ENTRY);
    d.copyWithin((lo + 1) * ENTRY, lo * ENTRY, last * ENTRY);
    d.set(entry, lo * ENTRY);
  }

  /** Bucket 0 is used up: the lowest non-empty bucket's minimum becomes the new base. */
  private refill(): void {
    this.lens[0] = 0;
    this.read = 0;
    if (this.count === 0) return;
    const j = this.lowestBucket();
    const d = this.data[j]!;
    const end = this.lens[j]! * ENTRY;
    this.lens[j] = 0;
    this.markEmpty(j);
    let min = d[0]!;
    for (let o = ENTRY; o < end; o += ENTRY) if (d[o]! < min) min = d[o]!;
    this.base = min;
    // The base only grows: it keeps its boundary until it crosses it (hot path: a refill per distinct time).
    const boundary = min < this.boundary ? this.boundary : (this.boundary = boundaryAbove(min));
    let lastSeq = -1;
    let sorted = true;
    for (let o = 0; o < end; o += ENTRY) {
      const t = d[o]!;
      const bucket = bucketOf(t, min, boundary);
      if (bucket === 0) {
        sorted = sorted && d[o + 1]! > lastSeq;
        lastSeq = d[o + 1]!;
      }
      this.append(bucket, t, d[o + 1]!, d[o + 2]!, d[o + 3]!, d[o + 4]!);
    }
    // Every entry went to a lower bucket, so bucket j is empty and its array is free.
    if (d.length >= SPARE_MIN_LENGTH) {
      this.data[j] = new Float64Array(ENTRY * 16);
      this.keepSpare(d);
    }
    if (!sorted) this.sortFrontBySeq();
  }

  /** The earliest non-empty bucket after bucket 0: lowest digit position, then lowest digit. */
  private lowestBucket(): number {
    const lm = this.levelMask;
    const level = 31 - Math.clz32(lm & -lm);
    const dm = this.digitMask[level]!;
    return 1 + level * DIGITS + (31 - Math.clz32(dm & -dm));
  }

  private sortFrontBySeq(): void {
    const entries = this.takeEntries(0, 0);
    entries.sort((x, y) => x[1]! - y[1]!);
    for (const e of entries) this.append(0, e[0]!, e[1]!, e[2]!, e[3]!, e[4]!);
  }

  /**
   * An entry earlier than the base arrived. That happens only after `run(until)` stopped short of
   * the base and the caller scheduled in between; rare, so re-insert everything around the new base.
   */
  private rebase(newBase: number): void {
    const entries: Float64Array[] = [];
    for (let b = 0; b < BUCKETS; b++) entries.push(...this.takeEntries(b, b === 0 ? this.read : 0));
    this.read = 0;
    this.base = newBase;
    this.boundary = boundaryAbove(newBase);
    // Re-insert in (time, seq) order, so every bucket, bucket 0 included, stays seq-ordered.
    entries.sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
    for (const e of entries) this.append(bucketOf(e[0]!, newBase, this.boundary), e[0]!, e[1]!, e[2]!, e[3]!, e[4]!);
  }

  /** Removes and returns bucket b's entries from index `from` on (slow path helper). */
  private takeEntries(b: number, from: number): Float64Array[] {
    const d = this.data[b]!;
    const out: Float64Array[] = [];
    for (let i = from; i < this.lens[b]!; i++) out.push(d.slice(i * ENTRY, i * ENTRY + ENTRY));
    if (this.lens[b]! > 0 && b !== 0) this.markEmpty(b);
    this.lens[b] = 0;
    return out;
  }

  private growBucket(b: number): Float64Array {
    const old = this.data[b]!;
    // Small buckets grow on their own: a spare is kept for a bucket that needs a large array.
    const spare = old.length * 2 >= SPARE_MIN_LENGTH ? this.takeSpare(old.length * 2) : undefined;
    const next = spare ?? new Float64Array(old.length * 2);
    next.set(old);
    this.data[b] = next;
    if (b === 0) this.front = next;
    if (old.length >= SPARE_MIN_LENGTH) this.keepSpare(old);
    return next;
  }

  /** The smallest spare of at least `length` numbers, removed from the spares; undefined if none. */
  private takeSpare(length: number): Float64Array | undefined {
    let best = -1;
    for (let i = 0; i < this.spares.length; i++) {
      const n = this.spares[i]!.length;
      if (n >= length && (best < 0 || n < this.spares[best]!.length)) best = i;
    }
    if (best < 0) return undefined;
    const spare = this.spares[best]!;
    this.spares[best] = this.spares[this.spares.length - 1]!;
    this.spares.pop();
    return spare;
  }

  private keepSpare(d: Float64Array): void {
    if (this.spares.length < MAX_SPARES) {
      this.spares.push(d);
      return;
    }
    let smallest = 0;
    for (let i = 1; i < this.spares.length; i++) if (this.spares[i]!.length < this.spares[smallest]!.length) smallest = i;
    if (this.spares[smallest]!.length < d.length) this.spares[smallest] = d;
  }
}
