/**
 * A 64-bit FNV-1a-style digest (two 32-bit lanes) of a run's results: canonical JSON of the
 * summary plus the exact bits of every time-series number. Equal digests mean equal results.
 * Pure arithmetic, so it runs the same in Node, a worker and a browser.
 */
export class ResultDigest {
  private h1 = 0x811c9dc5;
  private h2 = 0xcbf29ce4;

  addString(s: string): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h1 >>> 13);
    }
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  addFloats(values: Float64Array): this {
    const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < words.length; i++) {
      h1 = Math.imul(h1 ^ words[i]!, 0x01000193);
      h2 = Math.imul(h2 ^ words[i]!, 0x5bd1e995) ^ (h1 >>> 13);
    }
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  hex(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }
}

/** JSON with object keys sorted, so equal values always serialise identically. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}
