/**
 * Finds the connection pool of a (client pod, upstream host, worker) triple: an open-addressing
 * hash of pool ids (linear probing, load <= 1/2) over keys the pools store themselves, so the
 * index costs 8 bytes per pool. Pools are created lazily, on a triple's first request
 * (conntrack.md §3.1), and never removed within a run (an empty pool is a few counters).
 *
 * NOTE (hot path): a Map keyed by a packed number measured ~3x the memory at millions of pools.
 */
export class PoolIndex {
  private slots = new Int32Array(1 << 12); // pool id + 1, 0 = empty
  private mask = (1 << 12) - 1;
  private used = 0;
  /** Keys of every pool id: the client pod, and host x 256 + worker. */
  client = new Int32Array(1024);
  hostWorker = new Int32Array(1024);
  count = 0;

  /** The pool id of the triple, creating it if new (check `count` to tell). */
  findOrAdd(client: number, host: number, worker: number): number {
    const hw = host * 256 + worker;
    let i = hash(client, hw) & this.mask;
    for (;;) {
      const s = this.slots[i]!;
      if (s === 0) break;
      const p = s - 1;
      if (this.client[p] === client && this.hostWorker[p] === hw) return p;
      i = (i + 1) & this.mask;
    }
    const p = this.count++;
    if (p === this.client.length) this.growKeys();
    this.client[p] = client;
    this.hostWorker[p] = hw;
    this.slots[i] = p + 1;
    if (++this.used * 2 > this.slots.length) this.rehash();
    return p;
  }

  host(p: number): number {
    return this.hostWorker[p]! >>> 8;
  }

  /** Bytes held: for the bench's cost per connection. */
  get bytes(): number {
    return this.slots.byteLength + this.client.byteLength + this.hostWorker.byteLength;
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

  private rehash(): void {
    const n = this.slots.length * 2;
    this.slots = new Int32Array(n);
    this.mask = n - 1;
    for (let p = 0; p < this.count; p++) {
      let i = hash(this.client[p]!, this.hostWorker[p]!) & this.mask;
      while (this.slots[i] !== 0) i = (i + 1) & this.mask;
      this.slots[i] = p + 1;
    }
  }
}

function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}
