/**
 * Idle-timeout deadlines of connection pools, bucketed by wheel slot (a timing wheel keyed by
 * absolute slot, Varghese & Lauck 1997): no heap event per connection, and at most one entry per
 * pool (the caller keeps a "queued" flag), so memory is bounded by the number of pools. A pool
 * used again after it was queued is re-queued at its new deadline when its old one comes due
 * (lazy cancellation); a pool closes within one slot of its idle timeout.
 */
export class IdleWheel {
  private readonly slotNs: number;
  private readonly slots = new Map<number, number[]>();
  private nextSlot = 0;

  constructor(slotNs: number) {
    this.slotNs = slotNs;
  }

  push(pool: number, deadlineNs: number): void {
    const slot = Math.max(this.nextSlot, Math.ceil(deadlineNs / this.slotNs));
    const list = this.slots.get(slot);
    if (list === undefined) this.slots.set(slot, [pool]);
    else list.push(pool);
  }

  /** Calls `due` for every pool queued in slots up to now, in the order they were queued. */
  advance(nowNs: number, due: (pool: number) => void): void {
    while (this.nextSlot * this.slotNs <= nowNs) {
      const list = this.slots.get(this.nextSlot);
      if (list !== undefined) {
        this.slots.delete(this.nextSlot);
        for (const p of list) due(p);
      }
      this.nextSlot++;
    }
  }
}
