// Import the one generator we use directly: the package root also pulls ARC4 and node:crypto.
import tychei from 'seedrandom/lib/tychei.js';

/**
 * One independent, seeded stream of random numbers. Every draw consumes exactly one 32-bit
 * output, so a model's draw count (and hence common random numbers between variants) does not
 * depend on which method it calls.
 */
export interface RandomStream {
  /** Uniform integer in [0, 2^32). Stands in for Envoy's `random()` (a uint64 there). */
  nextU32(): number;
  /** Uniform in the open interval (0, 1): never exactly 0 or 1, so inverse CDFs stay finite. */
  nextUnit(): number;
}

/**
 * Generator states for many streams, packed in one Int32Array (4 words per stream).
 *
 * NOTE (hot path, deliberate denormalisation): seedrandom's Tyche-i keeps each generator's
 * state in its own closure. With a stream per pod (thousands of them) every draw was a
 * megamorphic closure call and a cache miss; measured at 4000 pods, ~17% of run time. Here
 * seedrandom still seeds each stream (including its warm-up rounds), its state is copied into
 * the bank, and draws apply the same Tyche-i round (Neves & Araujo 2011, as in
 * seedrandom/lib/tychei.js) to the packed state. test/engine/rng.test.ts checks the draws
 * are bit-identical to seedrandom's.
 */
class StateBank {
  words = new Int32Array(4 * 256);
  count = 0;

  add(seed53: number): number {
    const prng = tychei(seed53, { state: true });
    const s = prng.state();
    if (this.count * 4 === this.words.length) {
      const bigger = new Int32Array(this.words.length * 2);
      bigger.set(this.words);
      this.words = bigger;
    }
    const o = this.count++ * 4;
    this.words[o] = s.a;
    this.words[o + 1] = s.b;
    this.words[o + 2] = s.c;
    this.words[o + 3] = s.d;
    return o;
  }
}

/** One Tyche-i round on the state at `o`; returns the new `a` word (signed 32-bit). */
function tycheiNext(w: Int32Array, o: number): number {
  let a = w[o]!;
  let b = w[o + 1]!;
  let c = w[o + 2]!;
  let d = w[o + 3]!;
  b = (b << 25) ^ (b >>> 7) ^ c;
  c = (c - d) | 0;
  d = (d << 24) ^ (d >>> 8) ^ a;
  a = (a - b) | 0;
  b = (b << 20) ^ (b >>> 12) ^ c;
  c = (c - d) | 0;
  d = (d << 16) ^ (c >>> 16) ^ a;
  a = (a - b) | 0;
  w[o] = a;
  w[o + 1] = b;
  w[o + 2] = c;
  w[o + 3] = d;
  return a;
}

class BankStream implements RandomStream {
  private readonly bank: StateBank;
  private readonly offset: number;

  constructor(bank: StateBank, offset: number) {
    this.bank = bank;
    this.offset = offset;
  }

  nextU32(): number {
    return tycheiNext(this.bank.words, this.offset) >>> 0;
  }

  nextUnit(): number {
    return ((tycheiNext(this.bank.words, this.offset) >>> 0) + 0.5) / 4294967296;
  }
}

/**
 * The root of all randomness in a run. `stream(name)` derives a generator from (seed, name)
 * alone, so streams are independent of each other and of creation order: adding a component
 * with a new stream never shifts another component's draws, which is what gives variants
 * common random numbers (ARCHITECTURE.md, determinism contract).
 *
 * Generator: seedrandom's Tyche-i (~8 ns/draw, style-and-performance.md B1), never ARC4 and
 * never global mode. Tyche-i's own string seeding only XORs characters into one word, so
 * names are first hashed to a 53-bit integer seed.
 */
export class Rng {
  readonly seed: number;
  private readonly bank = new StateBank();

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    this.seed = seed;
  }

  stream(name: string): RandomStream {
    return new BankStream(this.bank, this.bank.add(seedFor(this.seed, name)));
  }
}

/** A 53-bit hash of (seed, name): two 32-bit multiply-xorshift lanes over the UTF-16 code units. */
export function seedFor(seed: number, name: string): number {
  let h1 = 0xdeadbeef ^ (seed % 4294967296);
  let h2 = 0x41c6ce57 ^ Math.floor(seed / 4294967296);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
