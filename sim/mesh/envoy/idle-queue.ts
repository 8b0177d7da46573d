/**
 * Pools that went idle, in the order they did, with the time their idle timeout runs out. One
 * queue per upstream service: its idle timeout is constant, so deadlines arrive sorted and a FIFO
 * ring suffices (no heap, no event per connection). Entries are checked when they come due: a
 * pool used again meanwhile is skipped (lazy cancellation).
 */
export class IdleQueue {
  private pools = new Int32Array(256);
  private deadlines = new Float64Array(256);
  private head = 0;
  private tail = 0;

  get length(): number {
    return this.tail - this.head;
  }

  push(pool: number, deadlineNs: number): void {
    if (this.tail - this.head === this.pools.length) this.grow();
    const i = this.tail++ & (this.pools.length - 1);
    this.pools[i] = pool;
    this.deadlines[i] = deadlineNs;
  }

  headDeadlineNs(): number {
    return this.deadlines[this.head & (this.pools.length - 1)]!;
  }

  pop(): number {
    return this.pools[this.head++ & (this.pools.length - 1)]!;
  }

  private grow(): void {
    const n = this.pools.length * 2;
    const pools = new Int32Array(n);
    const deadlines = new Float64Array(n);
    const mask = this.pools.length - 1;
    for (let k = 0; k < this.length; k++) {
      pools[k] = this.pools[(this.head + k) & mask]!;
      deadlines[k] = this.deadlines[(this.head + k) & mask]!;
    }
    this.tail -= this.head;
    this.head = 0;
    this.pools = pools;
    this.deadlines = deadlines;
  }
}
