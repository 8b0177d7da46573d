/**
 * Envoy's rq_active gauge per (client proxy, upstream host): how many requests this proxy has
 * open to that host. Least request compares it (envoy.md §6).
 *
 * All proxies share one open-addressing hash table in typed arrays, keyed by the pair, and a
 * pair is deleted when its count drops to 0. So the table holds only pairs with requests in
 * flight (thousands), never every pair that ever talked (millions at 4000 pods: the O(N^2)
 * trap of ARCHITECTURE.md "Scale"). Linear probing with backward-shift deletion: no tombstones.
 *
 * NOTE (hot path): replaced a Map per proxy; ~13% of a 4000-pod run went to Map operations
 * scattered over thousands of Maps.
 */
const EMPTY = -1;
const PAIR_SPACE = 2 ** 24; // pod ids below 2^24 (the pod limit is far lower)

export class ActiveRequestTable {
  private keys: Float64Array;
  private counts: Int32Array;
  private mask: number;
  private size = 0;

  constructor(initialCapacity = 4096) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.counts = new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** Pairs with a non-zero count. */
  get pairs(): number {
    return this.size;
  }

  get(client: number, host: number): number {
    const key = client * PAIR_SPACE + host;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = this.keys[i]!;
      if (k === key) return this.counts[i]!;
      if (k === EMPTY) return 0;
    }
  }

  add(client: number, host: number, delta: number): void {
    const key = client * PAIR_SPACE + host;
    let i = this.slot(key);
    for (;;) {
      const k = this.keys[i]!;
      if (k === key) break;
      if (k === EMPTY) {
        if (delta <= 0) throw new Error(`rq_active of (${client}, ${host}) would go below 0`);
        this.insertAt(i, key, delta);
        return;
      }
      i = (i + 1) & this.mask;
    }
    const n = this.counts[i]! + delta;
    if (n < 0) throw new Error(`rq_active of (${client}, ${host}) would go below 0`);
    if (n === 0) this.deleteAt(i);
    else this.counts[i] = n;
  }

  private slot(key: number): number {
    // Multiplicative hash of both 32-bit halves of the key.
    const lo = key | 0; // ToInt32: the low 32 bits, exactly
    const hi = (key / 4294967296) | 0;
    return (Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi ^ (lo >>> 16), 0x85ebca6b)) >>> 0 & this.mask;
  }

  private insertAt(i: number, key: number, count: number): void {
    this.keys[i] = key;
    this.counts[i] = count;
    if (++this.size * 2 > this.keys.length) this.grow();
  }

  /** Backward-shift deletion keeps every probe chain unbroken without tombstones. */
  private deleteAt(hole: number): void {
    const mask = this.mask;
    let i = hole;
    for (;;) {
      i = (i + 1) & mask;
      const k = this.keys[i]!;
      if (k === EMPTY) break;
      const home = this.slot(k);
      // Move k into the hole if its home is not in the cyclic range (hole, i].
      if ((i > hole && (home <= hole || home > i)) || (i < hole && home <= hole && home > i)) {
        this.keys[hole] = k;
        this.counts[hole] = this.counts[i]!;
        hole = i;
      }
    }
    this.keys[hole] = EMPTY;
    this.counts[hole] = 0;
    this.size--;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldCounts = this.counts;
    this.keys = new Float64Array(oldKeys.length * 2).fill(EMPTY);
    this.counts = new Int32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j]!;
      if (k === EMPTY) continue;
      let i = this.slot(k);
      while (this.keys[i] !== EMPTY) i = (i + 1) & this.mask;
      this.keys[i] = k;
      this.counts[i] = oldCounts[j]!;
      this.size++;
    }
  }
}

/** One client proxy's rq_active gauges, in the shape the load balancer reads (one per proxy). */
export class ClientActiveRequests {
  private readonly table: ActiveRequestTable;
  private readonly client: number;

  constructor(table: ActiveRequestTable, client: number) {
    this.table = table;
    this.client = client;
  }

  get(host: number): number {
    return this.table.get(this.client, host);
  }
}
