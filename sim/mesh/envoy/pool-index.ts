/**
 * Finds the connection pool of a (client pod, upstream host, worker) triple. Pools are created
 * lazily, on a triple's first request (conntrack.md §3.1), and never removed within a run (an
 * empty pool is a few counters); pool ids are given in creation order.
 *
 * The lookup is direct, not hashed: each upstream host gets an ordinal within its service the
 * first time any client calls it, and each (client, upstream service) pair a block of pool ids
 * indexed by ordinal x workers + worker, allocated on the pair's first call and doubled as the
 * service's ordinals grow. A block holds 4 bytes per (host, worker) of the service, used or not.
 *
 * NOTE (hot path): at millions of pools a hashed index cost three dependent cache misses per
 * lookup (slot, then two key arrays); a block costs one. Making the slot the pool id itself
 * (dense pool arrays, no block) measured slower: creation order keeps a ramp's new pools
 * adjacent in memory, a dense layout scatters them. The keys are kept per pool for cold paths.
 */
export class PoolIndex {
  private readonly services: number;
  /** Per client pod x services + upstream service: pool id + 1 per slot, 0 = none yet. */
  private blocks: (Int32Array | undefined)[] = [];
  /** Per block: the workers per host its layout assumes. */
  private blockStride = new Int32Array(64);
  /** Per upstream pod: its ordinal within its service, -1 before its first call. */
  private ordinal = new Int32Array(64).fill(-1);
  private readonly nextOrdinal: Int32Array;
  /** Keys of every pool id: the client pod, and host x 256 + worker. */
  client = new Int32Array(1024);
  hostWorker = new Int32Array(1024);
  count = 0;

  constructor(services: number) {
    this.services = services;
    this.nextOrdinal = new Int32Array(services);
  }

  /**
   * The pool id of the triple, creating it if new (check `count` to tell). `service` is the
   * host's service and `workers` the client's worker count (fixed for the pod's life: the
   * sidecar's concurrency at start).
   */
  findOrAdd(client: number, host: number, service: number, worker: number, workers: number): number {
    const ord = this.ordinalOf(host, service);
    const b = client * this.services + service;
    let block = this.blocks[b];
    if (block === undefined || this.blockStride[b] !== workers) block = this.layout(b, workers, ord);
    const i = ord * workers + worker;
    if (i >= block.length) block = this.enlarge(b, i);
    const s = block[i]!;
    if (s !== 0) return s - 1;
    const p = this.count++;
    if (p === this.client.length) this.growKeys();
    this.client[p] = client;
    this.hostWorker[p] = host * 256 + worker;
    block[i] = p + 1;
    return p;
  }

  /**
   * The pools towards `host` (of `service`), by client pod then worker: the host's slots in each
   * client's block for the service. O(client pods x workers) per call, not O(pools), and no
   * per-pool list: NOTE (memory) a next-pool link per pool measured +11% of pool and table state
   * at 4000 pods, for world.podGone, a cold path.
   */
  poolsOfHost(host: number, service: number): number[] {
    const ids: number[] = [];
    const ord = host < this.ordinal.length ? this.ordinal[host]! : -1;
    if (ord < 0) return ids; // never called: no pools
    for (let b = service; b < this.blocks.length; b += this.services) {
      const block = this.blocks[b];
      if (block === undefined) continue;
      const stride = this.blockStride[b]!;
      for (let w = 0, i = ord * stride; w < stride && i < block.length; w++, i++) if (block[i] !== 0) ids.push(block[i]! - 1);
    }
    return ids;
  }

  host(p: number): number {
    return this.hostWorker[p]! >>> 8;
  }

  /** Bytes held: for the bench's cost per connection. */
  get bytes(): number {
    let n = this.client.byteLength + this.hostWorker.byteLength + this.ordinal.byteLength + this.blockStride.byteLength;
    for (const block of this.blocks) if (block !== undefined) n += block.byteLength;
    return n;
  }

  private ordinalOf(host: number, service: number): number {
    if (host >= this.ordinal.length) {
      let n = this.ordinal.length;
      while (n <= host) n *= 2;
      const o = new Int32Array(n).fill(-1);
      o.set(this.ordinal);
      this.ordinal = o;
    }
    const ord = this.ordinal[host]!;
    if (ord >= 0) return ord;
    return (this.ordinal[host] = this.nextOrdinal[service]!++);
  }

  /** A block for pair b laid out for `workers` per host (re-laid, keeping its pools, if that changed). */
  private layout(b: number, workers: number, ord: number): Int32Array {
    if (b >= this.blockStride.length) {
      let n = this.blockStride.length;
      while (n <= b) n *= 2;
      const s = new Int32Array(n);
      s.set(this.blockStride);
      this.blockStride = s;
    }
    const old = this.blocks[b];
    const oldStride = this.blockStride[b]!;
    let n = 64;
    while (n < (ord + 1) * workers) n *= 2;
    if (old !== undefined) while (n < Math.ceil(old.length / oldStride) * workers) n *= 2;
    const block = new Int32Array(n);
    if (old !== undefined) {
      for (let i = 0; i < old.length; i++) {
        const w = i % oldStride;
        if (old[i] !== 0 && w < workers) block[Math.floor(i / oldStride) * workers + w] = old[i]!;
      }
    }
    this.blocks[b] = block;
    this.blockStride[b] = workers;
    return block;
  }

  private enlarge(b: number, i: number): Int32Array {
    const old = this.blocks[b]!;
    let n = old.length;
    while (n <= i) n *= 2;
    const block = new Int32Array(n);
    block.set(old);
    this.blocks[b] = block;
    return block;
  }

  private growKeys(): void {
    const n = this.client.length * 2;
    const c = new Int32Array(n);
    c.set(this.client);
    this.client = c;
    const h = new Int32Array(n);
    h.set(this.hostWorker);
    this.hostWorker = h;
  }
}
