/**
 * A running 64-bit (two 32-bit lanes) hash of fired events. Two runs with equal digests
 * fired the same events at the same times in the same order, which is how the determinism
 * tests compare whole histories without storing them.
 *
 * NOTE (hot path): called once per event; integer multiply-xor only, no allocation.
 */
export class EventDigest {
  private h1 = 0x811c9dc5;
  private h2 = 0x2545f491;

  add(timeNs: number, kind: number, a: number): void {
    const lo = timeNs | 0; // ToInt32 is exact modulo 2^32 for integers below 2^53
    const hi = (timeNs / 4294967296) | 0;
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ lo, 0x01000193);
    h1 = Math.imul(h1 ^ kind, 0x01000193);
    h2 = Math.imul(h2 ^ hi, 0x5bd1e995);
    h2 = Math.imul(h2 ^ a, 0x5bd1e995);
    h2 = h2 ^ (h1 >>> 15);
    this.h1 = h1;
    this.h2 = h2;
  }

  hex(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }
}
