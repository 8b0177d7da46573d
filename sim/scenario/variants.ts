/**
 * Variant overrides: `set: { services.backend.replicas: 40 }` replaces one value of the raw
 * scenario by dotted path before validation, so a variant is checked exactly like a scenario.
 * Array items are addressed by index: `workload.0.rate` or `workload[0].rate`.
 */

/** Splits `a.b[0].c` / `a.b.0.c` into segments; numeric segments become numbers. */
export function parseOverridePath(path: string): (string | number)[] {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((seg) => seg !== '')
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
}

/** A deep copy of `raw` with each override applied; returns an error message for a path that cannot be set. */
export function applyOverrides(raw: unknown, set: Record<string, unknown>): { value: unknown; errors: { key: string; message: string }[] } {
  const value = structuredClone(raw);
  const errors: { key: string; message: string }[] = [];
  for (const [key, v] of Object.entries(set)) {
    const message = setPath(value, parseOverridePath(key), structuredClone(v));
    if (message) errors.push({ key, message });
  }
  return { value, errors };
}

/**
 * `set: { __proto__.x: 1 }` used to write `x` onto Object.prototype, for every object in the
 * process (the playground runs many scenarios in one): assigning to `__proto__` calls its
 * setter. No scenario field has that name. (`constructor` is a valid service name; the walk
 * below reads own properties only, so it creates a plain field instead of reaching the prototype.)
 */
const UNSAFE_SEGMENT = '__proto__';

function setPath(root: unknown, path: (string | number)[], v: unknown): string | undefined {
  if (path.length === 0) return 'is an empty path';
  const unsafe = path.findIndex((seg) => seg === UNSAFE_SEGMENT);
  if (unsafe >= 0) return `cannot set ${describe(path, unsafe)}: '${path[unsafe]}' is not a scenario field`;
  let node = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    let next = Object.hasOwn(node, seg) ? node[seg] : undefined;
    if (next === undefined || next === null) {
      if (Array.isArray(node)) return `cannot set ${describe(path, i)}: index ${seg} is past the end of the list`;
      next = typeof path[i + 1] === 'number' ? [] : {};
      node[seg] = next;
    }
    if (typeof next !== 'object') return `cannot set ${describe(path, i + 1)}: ${describe(path, i)} is not a mapping or list`;
    node = next as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(node) && (typeof last !== 'number' || last > node.length)) {
    return `cannot set ${describe(path, path.length - 1)}: lists take an index from 0 to ${node.length}`;
  }
  node[last] = v;
  return undefined;
}

function describe(path: (string | number)[], upTo: number): string {
  return path.slice(0, upTo + 1).join('.');
}

/** True when one path is a prefix of the other (the override covers, or is inside, the problem). */
export function pathsOverlap(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (String(a[i]) !== String(b[i])) return false;
  return true;
}
