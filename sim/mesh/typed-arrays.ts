type Growable = Int32Array | Uint8Array | Uint16Array | Uint32Array | Float64Array;

/**
 * `a` itself when `index` fits, else a copy at least twice as long (new cells set to `fill`).
 * Per-pod state lives in typed arrays indexed by dense pod ids, which only grow.
 */
export function grownFor<T extends Growable>(a: T, index: number, fill = 0): T {
  if (index < a.length) return a;
  let n = Math.max(16, a.length);
  while (n <= index) n *= 2;
  const bigger = new (a.constructor as new (n: number) => T)(n);
  if (fill !== 0) bigger.fill(fill);
  bigger.set(a);
  return bigger;
}
