import type { RandomStream } from '../../engine/index.ts';
import { CT_CLOSE, CT_ESTABLISHED, CT_STATES, CT_SYN_SENT, CT_TIME_WAIT, type CtTimeoutsNs } from './conntrack-states.ts';
import { ExpiryWheel } from './expiry-wheel.ts';

export interface ConntrackConfig {
  nodes: number;
  /** nf_conntrack_max: one global value, compared with each netns's own count (conntrack.md §1.5). */
  maxEntries: number;
  /** nf_conntrack_buckets: the hash shared by every netns of a node (conntrack.md §1.5). */
  buckets: number;
  hostTimeoutsNs: CtTimeoutsNs;
  podTimeoutsNs: CtTimeoutsNs;
  wheelSlotNs: number;
  earlyDrop: boolean;
  gc: boolean;
  /** One seeded stream per node for early_drop's bucket scan. */
  earlyDropRandom: (node: number) => RandomStream;
}

/** The longest an entry waits in the expiry wheel: SYN_SENT, TIME_WAIT and CLOSE, host or pod netns (ESTABLISHED is held, not in it). */
export function longestWheelTimeoutNs(host: CtTimeoutsNs, pod: CtTimeoutsNs): number {
  return Math.max(host[CT_SYN_SENT], host[CT_TIME_WAIT], host[CT_CLOSE], pod[CT_SYN_SENT], pod[CT_TIME_WAIT], pod[CT_CLOSE]);
}

/** conntrack.md §1.4: early_drop scans NF_CT_EVICTION_RANGE consecutive buckets. */
const EVICTION_RANGE = 8;
/** conntrack.md §1.4: the GC worker evicts once a flagged netns is at >= 95 % of max. */
const GC_THRESHOLD = 0.95;

/**
 * Every conntrack table of the cluster: one per node's host netns (tables 0..nodes-1) and one per
 * pod netns (table nodes + pod), as counts by state (conntrack.md §6.1, without the per-flow map).
 * Entries a connection attempt or an open connection still holds are counted only; entries
 * nothing holds any more (abandoned SYN_SENT, TIME_WAIT, CLOSE) sit in an expiry wheel, and
 * those are what early_drop and the GC worker may evict (conntrack.md §1.4).
 */
export class ConntrackTables {
  readonly config: ConntrackConfig;
  readonly wheel: ExpiryWheel;
  private capacity = 0;
  /** Per table: entries, entries by state, the node whose hash it shares (-1: none). */
  count = new Int32Array(0);
  byState = new Int32Array(0);
  node = new Int32Array(0);
  /** Entries in the wheel by state (evictable), per table. */
  wheelByState = new Int32Array(0);
  /** /proc/net/stat/nf_conntrack counters, per table. */
  inserts = new Float64Array(0);
  drops = new Float64Array(0);
  earlyDrops = new Float64Array(0);
  gcEvictions = new Float64Array(0);
  expired = new Float64Array(0);
  /** Highest count since the last `resetPeaks` (metrics read it every interval). */
  peak = new Int32Array(0);
  /** The GC worker's early_drop flag (conntrack.md §1.4). */
  private gcFlag = new Uint8Array(0);
  /** Entries of all netns on each node: what shares that node's hash buckets. */
  private readonly nodeEntries: Int32Array;
  private readonly randoms: RandomStream[] = [];

  constructor(config: ConntrackConfig) {
    this.config = config;
    this.wheel = new ExpiryWheel(config.wheelSlotNs, longestWheelTimeoutNs(config.hostTimeoutsNs, config.podTimeoutsNs), config.nodes + 64);
    this.nodeEntries = new Int32Array(config.nodes);
    this.grow(config.nodes + 64);
    for (let n = 0; n < config.nodes; n++) this.node[n] = n;
  }

  get tables(): number {
    return this.capacity;
  }

  hostTable(node: number): number {
    return node;
  }

  /** The pod netns table of `pod`, on `node` (-1: outside any node, the gateway). */
  podTable(pod: number, node: number): number {
    const t = this.podTableIndex(pod);
    if (t >= this.capacity) this.grow(t + 1);
    this.node[t] = node;
    return t;
  }

  /** The highest count of pod's netns table since the last `resetPeaks` (0 for a table not yet used: never counted, or beyond the arrays). */
  podPeak(pod: number): number {
    const t = this.podTableIndex(pod);
    return t < this.capacity ? this.peak[t]! : 0;
  }

  /** Host tables come first, then one per pod, by pod id. */
  private podTableIndex(pod: number): number {
    return this.config.nodes + pod;
  }

  isHost(t: number): boolean {
    return t < this.config.nodes;
  }

  timeoutNs(t: number, state: number): number {
    return (this.isHost(t) ? this.config.hostTimeoutsNs : this.config.podTimeoutsNs)[state]!;
  }

  /**
   * A SYN with no entry in table t (conntrack.md §1.4, the full-table path): allocate a
   * SYN_SENT entry if count < max, else try early_drop, else drop the packet. Returns whether
   * the entry was allocated; the caller holds it.
   */
  admitSyn(t: number): boolean {
    if (this.count[t]! >= this.config.maxEntries && !this.earlyDrop(t)) {
      this.drops[t]!++;
      this.gcFlag[t] = 1;
      return false;
    }
    this.add(t, CT_SYN_SENT, 1);
    this.inserts[t]!++;
    return true;
  }

  /** A held entry changes state (SYN_SENT -> ESTABLISHED once the handshake completes). */
  transition(t: number, from: number, to: number): void {
    if (this.byState[t * CT_STATES + from]! <= 0) throw new Error(`conntrack table ${t}: no ${from} entry to move`);
    this.byState[t * CT_STATES + from]!--;
    this.byState[t * CT_STATES + to]!++;
  }

  /**
   * Nothing holds a held entry any more: it moves to `state` and waits in the wheel for that
   * state's timeout, counted from `sinceNs` (conntrack.md §1.3: a SYN_SENT entry keeps the
   * timeout of its first SYN, retransmits do not renew it).
   */
  release(t: number, from: number, state: number, sinceNs: number, nowNs: number): void {
    const expiresAtNs = sinceNs + this.timeoutNs(t, state);
    if (expiresAtNs <= nowNs) {
      this.add(t, from, -1);
      this.expired[t]!++;
      return;
    }
    if (from !== state) this.transition(t, from, state);
    this.wheel.add(t, state, expiresAtNs);
    this.wheelByState[t * CT_STATES + state]!++;
  }

  /** The wheel's tick: entries of the slot now due expire; the GC worker runs (conntrack.md §1.4). */
  tick(nowNs: number): void {
    const wheel = this.wheel;
    while (wheel.nextSlot * wheel.slotNs <= nowNs) {
      const slot = wheel.nextSlot;
      for (let t = 0; t < this.capacity; t++) {
        for (const s of [CT_SYN_SENT, CT_TIME_WAIT, CT_CLOSE]) {
          const n = wheel.take(t, slot, s, Infinity);
          if (n > 0) this.removeFromWheel(t, s, n, this.expired);
        }
      }
      wheel.nextSlot++;
    }
    if (this.config.gc) this.gcWorker();
  }

  /** Bytes of table state (typed arrays), for the bench's cost per connection. */
  get bytes(): number {
    return this.capacity * (4 * 3 + 8 * 5 + 4 * CT_STATES * 2 + 1) + this.wheel.bytes;
  }

  resetPeaks(): void {
    for (let t = 0; t < this.capacity; t++) this.peak[t] = this.count[t]!;
  }

  private gcWorker(): void {
    const threshold = GC_THRESHOLD * this.config.maxEntries;
    for (let t = 0; t < this.capacity; t++) {
      if (this.gcFlag[t] === 0) continue;
      if (this.count[t]! < threshold) {
        this.gcFlag[t] = 0;
        continue;
      }
      // gc_worker_can_early_drop: non-assured entries, and TIME_WAIT / CLOSE ones.
      for (const s of [CT_SYN_SENT, CT_TIME_WAIT, CT_CLOSE]) this.evictOldest(t, s, Infinity, this.gcEvictions);
    }
  }

  /**
   * early_drop (conntrack.md §1.4, §6.2 rule 2): scanning 8 buckets of the node's shared hash
   * finds a non-assured entry of this netns with probability 1 - (1 - q)^L, where q is that
   * netns's share of evictable entries in the hash and L the entries scanned (each entry is
   * hashed twice, once per direction). Only SYN_SENT entries nothing holds are candidates here
   * (a simplification: live handshakes last at most the connect timeout).
   */
  private earlyDrop(t: number): boolean {
    if (!this.config.earlyDrop) return false;
    const candidates = this.wheelByState[t * CT_STATES + CT_SYN_SENT]!;
    if (candidates === 0) return false;
    const node = this.node[t]!;
    const shared = node >= 0 ? this.nodeEntries[node]! : this.count[t]!;
    const q = candidates / Math.max(1, shared);
    const scanned = (EVICTION_RANGE * 2 * shared) / this.config.buckets;
    const p = 1 - Math.pow(1 - q, scanned);
    const random = this.randomFor(node);
    if (random.nextUnit() >= p) return false;
    this.evictOldest(t, CT_SYN_SENT, 1, this.earlyDrops);
    return true;
  }

  private evictOldest(t: number, state: number, n: number, counter: Float64Array): void {
    const wheel = this.wheel;
    let left = Math.min(n, this.wheelByState[t * CT_STATES + state]!);
    for (let slot = wheel.nextSlot; left > 0 && slot < wheel.nextSlot + wheel.slots; slot++) {
      const k = wheel.take(t, slot, state, left);
      if (k > 0) {
        this.removeFromWheel(t, state, k, counter);
        left -= k;
      }
    }
  }

  private removeFromWheel(t: number, state: number, n: number, counter: Float64Array): void {
    this.wheelByState[t * CT_STATES + state]! -= n;
    this.add(t, state, -n);
    counter[t]! += n;
  }

  private add(t: number, state: number, n: number): void {
    const c = (this.count[t]! += n);
    this.byState[t * CT_STATES + state]! += n;
    if (c > this.peak[t]!) this.peak[t] = c;
    const node = this.node[t]!;
    if (node >= 0) this.nodeEntries[node]! += n;
  }

  private randomFor(node: number): RandomStream {
    const i = node + 1;
    return (this.randoms[i] ??= this.config.earlyDropRandom(node));
  }

  private grow(min: number): void {
    let n = Math.max(64, this.capacity);
    while (n < min) n *= 2;
    const g = <T extends Int32Array | Uint8Array | Float64Array>(a: T, b: T): T => {
      b.set(a as never);
      return b;
    };
    this.count = g(this.count, new Int32Array(n));
    this.byState = g(this.byState, new Int32Array(n * CT_STATES));
    this.wheelByState = g(this.wheelByState, new Int32Array(n * CT_STATES));
    const node = new Int32Array(n).fill(-1);
    node.set(this.node);
    this.node = node;
    this.inserts = g(this.inserts, new Float64Array(n));
    this.drops = g(this.drops, new Float64Array(n));
    this.earlyDrops = g(this.earlyDrops, new Float64Array(n));
    this.gcEvictions = g(this.gcEvictions, new Float64Array(n));
    this.expired = g(this.expired, new Float64Array(n));
    this.peak = g(this.peak, new Int32Array(n));
    this.gcFlag = g(this.gcFlag, new Uint8Array(n));
    this.capacity = n;
    this.wheel.ensureTables(n);
  }
}

export { CT_CLOSE, CT_ESTABLISHED, CT_SYN_SENT, CT_TIME_WAIT };
