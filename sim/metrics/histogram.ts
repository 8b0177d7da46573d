/**
 * A log-linear histogram of non-negative integers (nanoseconds here), HDR-style: values below
 * 128 are exact; above, each power of two is split into 128 equal buckets. A bucket's width is
 * at most 1/128 of its lower bound, and reporting its midpoint keeps the relative error of any
 * percentile within 1/256 (0.4%), well inside the 1% the results promise.
 *
 * Counts live in a Float64Array (exact to 2^53), so histograms merge by adding, across
 * intervals, replications and shards alike.
 */
const SUB_BITS = 7;
const SUB = 1 << SUB_BITS; // 128 sub-buckets per octave
/** Largest exponent kept: values up to 2^43 ns (about 2.4 hours); larger ones go to the top bucket. */
const MAX_EXP = 43;
export const HISTOGRAM_BUCKETS = SUB + (MAX_EXP - SUB_BITS + 1) * SUB;

const POW2 = Array.from({ length: 64 }, (_, i) => 2 ** i);

/** Bucket index of a non-negative integer value. */
export function bucketIndex(value: number): number {
  if (value < SUB) return value < 0 ? 0 : value;
  const exp = value < 4294967296 ? 31 - Math.clz32(value) : 63 - Math.clz32(value / 4294967296);
  if (exp > MAX_EXP) return HISTOGRAM_BUCKETS - 1;
  const sub = Math.floor(value / POW2[exp - SUB_BITS]!) - SUB; // 0..127
  return SUB + (exp - SUB_BITS) * SUB + sub;
}

/** The value a bucket reports: its midpoint (exact below 128). */
export function bucketValue(index: number): number {
  if (index < SUB) return index;
  const exp = Math.floor((index - SUB) / SUB) + SUB_BITS;
  const sub = (index - SUB) % SUB;
  const width = POW2[exp - SUB_BITS]!;
  return (SUB + sub) * width + width / 2;
}

export class Histogram {
  readonly counts: Float64Array;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  constructor(counts?: Float64Array) {
    this.counts = counts ?? new Float64Array(HISTOGRAM_BUCKETS);
    if (counts) for (let i = 0; i < counts.length; i++) this.count += counts[i]!;
  }

  record(value: number): void {
    this.counts[bucketIndex(value)]! += 1;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** Adds another histogram's counts into this one. */
  merge(other: Histogram): void {
    const a = this.counts;
    const b = other.counts;
    for (let i = 0; i < a.length; i++) a[i]! += b[i]!;
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }

  mean(): number {
    return this.count > 0 ? this.sum / this.count : NaN;
  }

  /**
   * Nearest-rank percentile (q in [0, 1]): the smallest recorded bucket whose cumulative count
   * reaches ceil(q * count). NaN when empty. Clamped to the exact min and max seen.
   */
  percentile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i]!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, bucketValue(i)));
    }
    return this.max;
  }

  /** Several percentiles in one pass; `qs` must be ascending. */
  percentiles(qs: readonly number[]): number[] {
    const out = new Array<number>(qs.length).fill(NaN);
    if (this.count === 0) return out;
    let k = 0;
    let seen = 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length && k < qs.length; i++) {
      seen += counts[i]!;
      while (k < qs.length && seen >= Math.max(1, Math.ceil(qs[k]! * this.count))) {
        out[k++] = Math.min(this.max, Math.max(this.min, bucketValue(i)));
      }
    }
    return out;
  }
}
