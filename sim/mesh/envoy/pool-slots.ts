/**
 * Where each connection pool of a (client pod, upstream host, worker) triple is found, and, for
 * most pools, its whole state (conntrack.md §3.1: pools are created lazily, on a triple's first
 * request, and never removed within a run).
 *
 * Layout. Each upstream host gets an ordinal within its service the first time any client calls
 * it. Each (client pod, upstream service) pair owns chunks of slots, each covering a run of
 * consecutive ordinals x every worker, allocated when the pair first calls an ordinal in it, so a
 * triple's slot is computed, not hashed: one read of a small flat table (the pair's chunk), then
 * the slot. A slot is one Int16 (connection-pool.ts decides what it holds):
 *   0      no pool yet;
 *   FULL   a pool with a full record (several connections, a connect in flight, requests
 *          waiting, a per-connection request limit, HTTP/2, a gone host): its id is in `full`;
 *   < 0    a lone-connection pool, whose state fits the slot itself (lone-pool.ts).
 *
 * NOTE (hot path): at millions of pools the run is bound by memory latency. A hashed index cost
 * three dependent cache misses per lookup, a block of pool ids one plus a miss per counter array;
 * a 32-byte record per triple put a quarter of a GiB under random access and was slower still.
 * With the lone state in the slot, a request and its response touch 2 bytes per pool; `full`
 * (4 bytes per slot) is only read for the pools that have a record.
 */
/** Slot value of a pool with a full record. */
export const FULL = 1;
const UNIT_SHIFT = 4; // slots are described in units of 16 (the smallest chunk)
const MAX_CHUNK = 256; // slots: every worker count (sidecar concurrency <= 256) fits one chunk

export class PoolSlots {
  /** The slots; every slot id is below `size`. */
  value = new Int16Array(1024);
  /** Per slot whose value is FULL: its pool id (the record's index). */
  full = new Int32Array(1024);
  /** Slots handed out to chunks. */
  size = 0;

  private readonly services: number;
  /** Per service: how many hosts it is expected to have (its replicas), to size its pairs' chunks. */
  private readonly expectedHosts: number[];
  /** Per upstream pod: its ordinal within its service, -1 before its first call. */
  private ordinal = new Int32Array(64).fill(-1);
  private readonly nextOrdinal: Int32Array;
  /** Per service: the host of each ordinal. */
  private readonly hostOf: Int32Array<ArrayBuffer>[];
  /** Per pair (client x services + service): its workers, and the ordinals one chunk covers (0 = no chunk yet). */
  private pairWorkers = new Int32Array(64);
  private pairOrdinals = new Int32Array(64);
  /** Per pair and chunk number: the chunk's first slot + 1 (0 = not allocated), `chunksPerPair` per pair. */
  private chunkAt = new Int32Array(64);
  private chunksPerPair = 1;
  /** Per 16-slot unit: its chunk's pair, first ordinal and first slot (cold paths: slot -> triple). */
  private unitPair = new Int32Array(64);
  private unitOrdinal = new Int32Array(64);
  private unitFirst = new Int32Array(64);

  /** `expectedHosts`: per service, its replicas at the start (a sizing hint; any number of hosts works). */
  constructor(expectedHosts: number[]) {
    this.services = expectedHosts.length;
    this.expectedHosts = expectedHosts;
    this.nextOrdinal = new Int32Array(this.services);
    this.hostOf = Array.from({ length: this.services }, () => new Int32Array(64));
  }

  /**
   * The slot of the triple. `service` is the host's service and `workers` the client's worker
   * count, fixed for the pod's life (its sidecar's concurrency; settings do not change in a run).
   */
  find(client: number, host: number, service: number, worker: number, workers: number): number {
    const ord = this.ordinalOf(host, service);
    const b = client * this.services + service;
    if (b >= this.pairWorkers.length || this.pairOrdinals[b] === 0) this.startPair(b, workers, service);
    const per = this.pairOrdinals[b]!;
    const c = (ord / per) | 0;
    if (c >= this.chunksPerPair) this.widenChunks(c + 1);
    let first = this.chunkAt[b * this.chunksPerPair + c]! - 1;
    if (first < 0) first = this.allocateChunk(b, c, per, workers);
    return first + (ord - c * per) * workers + worker;
  }

  /** The triple's slot if its pool's chunk exists, else -1 (allocates nothing: cold paths). */
  peek(client: number, host: number, service: number, worker: number): number {
    const ord = host < this.ordinal.length ? this.ordinal[host]! : -1;
    const b = client * this.services + service;
    if (ord < 0 || b >= this.pairWorkers.length || this.pairOrdinals[b] === 0) return -1;
    const per = this.pairOrdinals[b]!;
    const c = (ord / per) | 0;
    const first = c < this.chunksPerPair ? this.chunkAt[b * this.chunksPerPair + c]! - 1 : -1;
    return first < 0 ? -1 : first + (ord - c * per) * this.pairWorkers[b]! + worker;
  }

  /** Slot s now names full record p. */
  makeFull(s: number, p: number): void {
    this.value[s] = FULL;
    this.full[s] = p;
  }

  host(s: number): number {
    const unit = s >>> UNIT_SHIFT;
    const b = this.unitPair[unit]!;
    const ord = this.unitOrdinal[unit]! + (((s - this.unitFirst[unit]!) / this.pairWorkers[b]!) | 0);
    return this.hostOf[b % this.services]![ord]!;
  }

  client(s: number): number {
    return (this.unitPair[s >>> UNIT_SHIFT]! / this.services) | 0;
  }

  worker(s: number): number {
    const unit = s >>> UNIT_SHIFT;
    return (s - this.unitFirst[unit]!) % this.pairWorkers[this.unitPair[unit]!]!;
  }

  /**
   * The slots of the pools towards `host` (of `service`), by client pod then worker. O(client
   * pods x workers) per call, not O(pools), and no per-pool list: for world.podGone, a cold path.
   */
  poolsOfHost(host: number, service: number): number[] {
    const ids: number[] = [];
    const ord = host < this.ordinal.length ? this.ordinal[host]! : -1;
    if (ord < 0) return ids; // never called: no pools
    for (let b = service; b < this.pairWorkers.length; b += this.services) {
      const per = this.pairOrdinals[b]!;
      if (per === 0) continue;
      const c = (ord / per) | 0;
      const first = c < this.chunksPerPair ? this.chunkAt[b * this.chunksPerPair + c]! - 1 : -1;
      if (first < 0) continue;
      const workers = this.pairWorkers[b]!;
      for (let w = 0, s = first + (ord - c * per) * workers; w < workers; w++, s++) if (this.value[s] !== 0) ids.push(s);
    }
    return ids;
  }

  /** The slots of the pools of `client`'s sidecar, by upstream service then host ordinal then worker (cold path). */
  poolsOfClient(client: number): number[] {
    const ids: number[] = [];
    for (let b = client * this.services; b < (client + 1) * this.services && b < this.pairWorkers.length; b++) {
      const per = this.pairOrdinals[b]!;
      const used = per * this.pairWorkers[b]!;
      for (let c = 0; per > 0 && c < this.chunksPerPair; c++) {
        const first = this.chunkAt[b * this.chunksPerPair + c]! - 1;
        if (first >= 0) for (let s = first; s < first + used; s++) if (this.value[s] !== 0) ids.push(s);
      }
    }
    return ids;
  }

  /** Bytes held: for the bench's cost per connection. */
  get bytes(): number {
    let n = this.value.byteLength + this.full.byteLength + this.ordinal.byteLength + this.pairWorkers.byteLength + this.pairOrdinals.byteLength;
    n += this.chunkAt.byteLength + this.unitPair.byteLength + this.unitOrdinal.byteLength + this.unitFirst.byteLength;
    for (const h of this.hostOf) n += h.byteLength;
    return n;
  }

  private ordinalOf(host: number, service: number): number {
    if (host >= this.ordinal.length) this.ordinal = grown(this.ordinal, host + 1, -1);
    const ord = this.ordinal[host]!;
    if (ord >= 0) return ord;
    const next = this.nextOrdinal[service]!++;
    if (next >= this.hostOf[service]!.length) this.hostOf[service] = grown(this.hostOf[service]!, next + 1, 0);
    this.hostOf[service]![next] = host;
    return (this.ordinal[host] = next);
  }

  /**
   * A pair's first call fixes its chunk size from the service's size (a 3-replica service gets
   * 16-slot chunks, a 2000-replica one 256), so small pairs stay small.
   */
  private startPair(b: number, workers: number, service: number): void {
    if (b >= this.pairWorkers.length) {
      this.pairWorkers = grown(this.pairWorkers, b + 1, 0);
      this.pairOrdinals = grown(this.pairOrdinals, b + 1, 0);
      this.chunkAt = grown(this.chunkAt, this.pairWorkers.length * this.chunksPerPair, 0);
    }
    const hosts = Math.max(this.nextOrdinal[service]!, this.expectedHosts[service] ?? 0);
    let slots = 16;
    while (slots < MAX_CHUNK && slots < hosts * workers) slots *= 2;
    this.pairWorkers[b] = workers;
    this.pairOrdinals[b] = Math.floor(slots / workers);
  }

  /** Every pair gets room for `n` chunk numbers (cold: a service outgrew its hosts so far). */
  private widenChunks(n: number): void {
    let per = this.chunksPerPair;
    while (per < n) per *= 2;
    const pairs = this.pairWorkers.length;
    const table = new Int32Array(pairs * per);
    for (let b = 0; b < pairs; b++) table.set(this.chunkAt.subarray(b * this.chunksPerPair, (b + 1) * this.chunksPerPair), b * per);
    this.chunkAt = table;
    this.chunksPerPair = per;
  }

  private allocateChunk(b: number, c: number, per: number, workers: number): number {
    const first = this.size;
    this.size = first + Math.ceil((per * workers) / 16) * 16;
    if (this.size > this.value.length) {
      const value = new Int16Array(grown(this.full, this.size, 0).length);
      value.set(this.value);
      this.value = value;
      this.full = grown(this.full, this.size, 0);
    }
    const units = this.size >>> UNIT_SHIFT;
    if (units > this.unitPair.length) {
      this.unitPair = grown(this.unitPair, units, 0);
      this.unitOrdinal = grown(this.unitOrdinal, units, 0);
      this.unitFirst = grown(this.unitFirst, units, 0);
    }
    for (let u = first >>> UNIT_SHIFT; u < units; u++) {
      this.unitPair[u] = b;
      this.unitOrdinal[u] = c * per;
      this.unitFirst[u] = first;
    }
    this.chunkAt[b * this.chunksPerPair + c] = first + 1;
    return first;
  }
}

function grown(a: Int32Array<ArrayBuffer>, min: number, fill: number): Int32Array<ArrayBuffer> {
  let n = Math.max(64, a.length);
  while (n < min) n *= 2;
  const b = new Int32Array(n);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}
