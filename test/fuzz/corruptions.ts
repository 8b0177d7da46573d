/**
 * Corrupted scenarios: a valid one with one to three mutations applied, as bytes. The mutations
 * are the mistakes people make and the YAML features and encodings they trip over:
 * line edits, type swaps, anchors/aliases/tags/merge keys/documents, encodings (non-UTF-8,
 * BOMs, CRLF, lone CR, NUL), deep nesting, alias bombs, keys that are JavaScript's own.
 */
import fc from 'fast-check';
import { validScenarioArb } from './arbitraries/scenario.ts';

/** One mutation of the text (or, for encodings, of its bytes). */
type Mutation = (text: string) => string | Uint8Array;

const linesOf = (t: string) => t.split('\n');
const lineAt = (t: string, k: number) => Math.abs(k) % Math.max(1, linesOf(t).length);

const lineMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((k): Mutation => (t) => linesOf(t).filter((_, i) => i !== lineAt(t, k)).join('\n')),
  fc.nat().map((k): Mutation => (t) => linesOf(t).flatMap((l, i) => (i === lineAt(t, k) ? [l, l] : [l])).join('\n')),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Mutation => (t) => {
    const ls = linesOf(t);
    const [i, j] = [lineAt(t, a), lineAt(t, b)];
    [ls[i], ls[j]] = [ls[j]!, ls[i]!];
    return ls.join('\n');
  }),
  fc.tuple(fc.nat(), fc.integer({ min: -4, max: 4 })).map(([k, d]): Mutation => (t) =>
    linesOf(t).map((l, i) => (i !== lineAt(t, k) ? l : d >= 0 ? ' '.repeat(d) + l : l.replace(new RegExp(`^ {0,${-d}}`), ''))).join('\n'),
  ),
  fc.tuple(fc.nat(), fc.nat()).map(([k, at]): Mutation => (t) => linesOf(t).map((l, i) => (i === lineAt(t, k) ? l.slice(0, at % (l.length + 1)) : l)).join('\n')),
  fc.tuple(fc.nat(), fc.string({ maxLength: 12 })).map(([k, s]): Mutation => (t) => linesOf(t).map((l, i) => (i === lineAt(t, k) ? s : l)).join('\n')),
  fc.tuple(fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 3 })).map(([k, at, s]): Mutation => (t) =>
    linesOf(t).map((l, i) => (i === lineAt(t, k) ? l.slice(0, at % (l.length + 1)) + s + l.slice(at % (l.length + 1)) : l)).join('\n'),
  ),
);

/** Replacement values of every YAML type, including the awkward numbers. */
const SWAPS = ['42', '-1', '0', '1e400', '.inf', '.nan', '0x1F', '"text"', "'5ms'", '[1, 2]', '{a: 1}', '~', 'null', 'true', '""', '[]', '{}', '2s', '100/s', '9007199254740993', 'ROUND_ROBIN'];

const typeSwap: fc.Arbitrary<Mutation> = fc.tuple(fc.nat(), fc.constantFrom(...SWAPS)).map(([k, v]): Mutation => (t) => {
  const ls = linesOf(t);
  const candidates = ls.flatMap((l, i) => (/:\s+\S/.test(l) ? [i] : []));
  if (candidates.length === 0) return t;
  const i = candidates[k % candidates.length]!;
  ls[i] = ls[i]!.replace(/:(\s+)(.*)$/, (_m, sp: string) => `:${sp}${v}`);
  return ls.join('\n');
});

const yamlFeature: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((k): Mutation => (t) => valueEdit(t, k, () => '*nope')), // an alias with no anchor
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Mutation => (t) => valueEdit(valueEdit(t, a, (v) => `&anc ${v}`), b, () => '*anc')), // anchor, then alias (maybe before it)
  fc.tuple(fc.nat(), fc.constantFrom('!!str', '!!int', '!!float', '!!binary', '!!set', '!!map', '!!seq', '!!timestamp', '!custom', '!<tag:x>', '!!omap')).map(([k, tag]): Mutation => (t) => valueEdit(t, k, (v) => `${tag} ${v}`)),
  fc.constant<Mutation>((t) => `base: &base { replicas: 2 }\n${t.replace(/^(\s+)replicas: .*$/m, '$1<<: *base')}`),
  fc.constantFrom<Mutation>((t) => `${t}\n---\nduration: 1s\n`, (t) => `${t}\n...\n`, (t) => `%YAML 1.1\n---\n${t}`, (t) => `---\n${t}`, (t) => `%TAG ! tag:x,2000:\n---\n${t}`),
  fc.nat().map((k): Mutation => (t) => valueEdit(t, k, () => '? [a, b]')),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty').map((key): Mutation => (t) => t.replace(/^services:(.*)$/m, `services:$1\n  ${key}: { replicas: 1 }`)),
  fc.constant<Mutation>((t) => `${t}\nvariants:\n  evil:\n    set: { __proto__.polluted: 1, constructor.prototype.polluted: 1 }\n`),
);

const encoding: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 3 })).map(([at, junk]): Mutation => (t) => {
    const bytes = new TextEncoder().encode(t);
    const i = at % (bytes.length + 1);
    const high = junk.map((b) => b | 0x80);
    return concat(bytes.subarray(0, i), high, bytes.subarray(i));
  }),
  fc.constantFrom<Mutation>(
    (t) => `\uFEFF${t}`,
    (t) => concat(new Uint8Array([0xff, 0xfe]), new TextEncoder().encode(t)),
    (t) => concat(new Uint8Array([0xfe, 0xff]), new TextEncoder().encode(t)),
    (t) => t.replace(/\n/g, '\r\n'),
    (t) => t.replace(/\n/g, '\r'),
    (t) => t.replace(/a/, '\u0000'),
    (t) => t.replace(/e/, '\u001b[31m'),
    (t) => t.replace(/s/, '\u00e9\u4e2d\u{1F600}'),
  ),
);

const resourceAttack: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 30, max: 5000 })).map(([k, depth]): Mutation => (t) => valueEdit(t, k, () => '['.repeat(depth) + ']'.repeat(depth))),
  fc.tuple(fc.nat(), fc.integer({ min: 30, max: 3000 })).map(([k, depth]): Mutation => (t) => valueEdit(t, k, () => '{a: '.repeat(depth) + '1' + '}'.repeat(depth))),
  fc.integer({ min: 30, max: 2000 }).map((depth): Mutation => (t) => `${t}\ndeep:\n${Array.from({ length: depth }, (_, i) => `${' '.repeat(i + 1)}- `).join('\n')}1\n`),
  fc.integer({ min: 2, max: 9 }).map((levels): Mutation => (t) => {
    const bomb = ['b0: &b0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < levels; i++) bomb.push(`b${i}: &b${i} [${Array(9).fill(`*b${i - 1}`).join(', ')}]`);
    return `${bomb.join('\n')}\n${t}`;
  }),
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: lineMutation },
  { weight: 3, arbitrary: typeSwap },
  { weight: 3, arbitrary: yamlFeature },
  { weight: 2, arbitrary: encoding },
  { weight: 1, arbitrary: resourceAttack },
);

/** A generated scenario with one to three mutations, as the bytes of a file. */
export const corruptedScenarioArb: fc.Arbitrary<Uint8Array> = fc
  .tuple(validScenarioArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }))
  .map(([g, ms]) => {
    // Once a mutation has produced raw bytes, later ones edit them one char per byte, so the
    // earlier damage (a stray 0xE9, a UTF-16 mark) survives.
    let text = g.yaml;
    let bytes = false;
    for (const m of ms) {
      const next = m(text);
      if (typeof next === 'string') text = next;
      else [text, bytes] = [latin1(next), true];
    }
    return bytes ? fromLatin1(text) : new TextEncoder().encode(text);
  });

/** Rewrites the value of the k-th `key: value` line. */
function valueEdit(t: string, k: number, f: (value: string) => string): string {
  const ls = linesOf(t);
  const candidates = ls.flatMap((l, i) => (/:\s+\S/.test(l) ? [i] : []));
  if (candidates.length === 0) return t;
  const i = candidates[k % candidates.length]!;
  ls[i] = ls[i]!.replace(/:(\s+)(.*)$/, (_m, sp: string, v: string) => `:${sp}${f(v)}`);
  return ls.join('\n');
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Bytes as a string one char per byte, so later text mutations keep earlier byte damage. */
function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** The inverse of latin1: chars up to 0xFF are one byte; anything a later edit added is UTF-8. */
function fromLatin1(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c <= 0xff) out.push(c);
    else out.push(...new TextEncoder().encode(ch));
  }
  return new Uint8Array(out);
}
