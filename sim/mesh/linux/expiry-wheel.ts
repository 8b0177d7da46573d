import { CT_STATES } from './conntrack-states.ts';

/**
 * A hashed timing wheel (Varghese & Lauck 1997) of conntrack entries that nothing else holds:
 * counts per (table, slot, state), never one object or heap event per entry (ARCHITECTURE.md,
 * "Scale"). An entry expiring at e sits in absolute slot ceil(e / slot); the wheel's tick at
 * k x slot removes slot k, so an entry leaves in [e, e + slot): exact within one slot.
 * The wheel spans `slots` slots, enough for the longest timeout it holds (checked on insert).
 */
export class ExpiryWheel {
  readonly slotNs: number;
  readonly slots: number;
  private readonly mask: number;
  private counts: Int32Array;
  private tables = 0;
  /** The next absolute slot to expire. */
  nextSlot = 0;

  constructor(slotNs: number, longestTimeoutNs: number, tables: number) {
    this.slotNs = slotNs;
    this.slots = ExpiryWheel.slotsFor(slotNs, longestTimeoutNs);
    this.mask = this.slots - 1;
    this.counts = new Int32Array(0);
    this.ensureTables(tables);
  }

  /** Slots spanning the longest timeout (and the slot being expired), a power of two for the ring's mask. */
  static slotsFor(slotNs: number, longestTimeoutNs: number): number {
    let n = 2;
    while (n < Math.ceil(longestTimeoutNs / slotNs) + 2) n *= 2;
    return n;
  }

  /** Bytes of the counts of `tables` tables over `slots` slots. */
  static bytesFor(tables: number, slots: number): number {
    return tables * slots * CT_STATES * Int32Array.BYTES_PER_ELEMENT;
  }

  ensureTables(tables: number): void {
    if (tables <= this.tables) return;
    let n = Math.max(this.tables, 16);
    while (n < tables) n *= 2;
    const bigger = new Int32Array(n * this.slots * CT_STATES);
    bigger.set(this.counts);
    this.counts = bigger;
    this.tables = n;
  }

  get bytes(): number {
    return this.counts.byteLength;
  }

  /** Adds an entry of `state` in `table` that expires at `expiresAtNs` (> the last tick). */
  add(table: number, state: number, expiresAtNs: number): void {
    const slot = Math.max(this.nextSlot, Math.ceil(expiresAtNs / this.slotNs));
    if (slot - this.nextSlot >= this.slots) throw new Error(`expiry wheel: ${expiresAtNs} ns is beyond the wheel's ${this.slots} slots`);
    this.counts[this.cell(table, slot & this.mask, state)]!++;
  }

  /** Entries of `state` in `table` expiring in absolute slot `slot`. */
  at(table: number, slot: number, state: number): number {
    return this.counts[this.cell(table, slot & this.mask, state)]!;
  }

  /** Removes up to `n` entries of `state` from `table` in absolute slot `slot`; returns how many. */
  take(table: number, slot: number, state: number, n: number): number {
    const c = this.cell(table, slot & this.mask, state);
    const k = Math.min(n, this.counts[c]!);
    this.counts[c]! -= k;
    return k;
  }

  private cell(table: number, ringSlot: number, state: number): number {
    return (table * this.slots + ringSlot) * CT_STATES + state;
  }
}
