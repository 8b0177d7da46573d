/**
 * Turns zod's validation issues into one plain sentence per problem, in the user's terms:
 * "is required", "must be >= 0", "unknown key 'replica' (did you mean 'replicas'?)".
 * For a union (a call step is a call or a parallel group), the branch that explains the
 * input best is reported, not every branch's complaints.
 */
import type { z } from 'zod';
import type { ScenarioParsed } from './schema.ts';

export interface RawProblem {
  /** Full path to the problem; for a key problem, the last segment is the key. */
  path: PropertyKey[];
  message: string;
  /** The problem is the key itself (unknown or malformed), not its value: point at the key's line. */
  atKey?: boolean;
  /** From a whole-object refinement rather than a field check. */
  fromRule?: boolean;
}

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** Flattens zod issues for `data` validated by `schema` into user-facing problems. */
export function describeIssues(issues: readonly Issue[], schema: AnySchema, data: unknown): RawProblem[] {
  const out: RawProblem[] = [];
  for (const issue of issues) out.push(...describe(issue, [], schema, data));
  // An unknown key already explains a failed whole-object rule at the same place ("needs exactly one of").
  const unknownAt = new Set(out.filter((p) => p.atKey).map((p) => pathKey(p.path.slice(0, -1))));
  return out.filter((p) => !(p.fromRule && unknownAt.has(pathKey(p.path))));
}

function pathKey(path: readonly PropertyKey[]): string {
  return path.map(String).join('\u0000');
}

function describe(issue: Issue, base: PropertyKey[], schema: AnySchema, data: unknown): RawProblem[] {
  const path = [...base, ...issue.path];
  const value = valueAt(data, path);
  switch (issue.code) {
    case 'invalid_union':
      return describeUnion(issue, path, schemaAt(schema, issue.path, data), data);
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], atKey: true, message: unknownKey(key, schemaAt(schema, issue.path, data)) }));
    case 'invalid_key':
      return issue.issues.map((inner) => ({ path, atKey: true, message: `bad name '${String(path[path.length - 1])}': ${inner.message}` }));
    case 'invalid_type':
      if (value === undefined) return [{ path, message: 'is required' }];
      return [{ path, message: isDefault(issue.message) ? `must be ${article(issue.expected)} (got ${kindOf(value)})${quotedHint(issue.expected, value)}` : issue.message }];
    case 'too_small':
      return [{ path, message: bound(issue.origin, issue.inclusive ? '>=' : '>', issue.minimum, 'at least') }];
    case 'too_big':
      return [{ path, message: bound(issue.origin, issue.inclusive ? '<=' : '<', issue.maximum, 'at most') }];
    case 'invalid_value':
      return [{ path, message: `must be one of ${issue.values.map(String).join(', ')} (got ${String(value)})${suggest(String(value), issue.values.map(String))}` }];
    case 'invalid_format':
      return [{ path, message: isDefault(issue.message) ? 'has the wrong format' : issue.message }];
    case 'not_multiple_of':
      return [{ path, message: `must be a multiple of ${String(issue.divisor)}` }];
    default:
      return [{ path, message: issue.message, fromRule: issue.code === 'custom' }];
  }
}

/**
 * Chooses the union branch whose complaints are smallest: a wrong type at the branch's root
 * or a key it does not know weigh heavily, a bad value deeper in weighs little. If every
 * branch only objects to the keys present, the input mixes forms: report the union's message.
 */
function describeUnion(issue: z.core.$ZodIssueInvalidUnion, path: PropertyKey[], schema: AnySchema, data: unknown): RawProblem[] {
  const options = unionOptions(schema);
  let best = -1;
  let bestPenalty = Infinity;
  let allOnlyKeys = true;
  issue.errors.forEach((branch, i) => {
    const p = penalty(branch, path, data);
    allOnlyKeys &&= branch.every((e) => e.code === 'unrecognized_keys' && e.path.length === 0);
    if (p < bestPenalty) {
      best = i;
      bestPenalty = p;
    }
  });
  // Every branch missing its own required key means the input has none of the keys that
  // define the forms ({to: a} is neither open nor closed loop): the union's message names them all.
  const noneOfTheForms = issue.errors.every((branch) => branch.some((e) => e.code === 'invalid_type' && e.path.length === 1 && valueAt(data, [...path, ...e.path]) === undefined));
  if (best < 0 || allOnlyKeys || bestPenalty >= 100 || (noneOfTheForms && issue.message !== 'Invalid input')) {
    return [{ path, message: issue.message === 'Invalid input' ? 'does not match any allowed form' : issue.message }];
  }
  const branchSchema = options[best] ?? schema;
  return issue.errors[best]!.flatMap((e) => describe(e, path, branchSchema, data));
}

function penalty(branch: readonly Issue[], base: PropertyKey[], data: unknown): number {
  let p = 0;
  for (const e of branch) {
    if (e.path.length === 0 && e.code === 'invalid_type') p += 100;
    else if (e.code === 'unrecognized_keys') p += 10 * e.keys.length;
    else if (e.code === 'invalid_type' && valueAt(data, [...base, ...e.path]) === undefined) p += 10;
    else p += 1;
  }
  return p;
}

function unknownKey(key: string, objectSchema: AnySchema): string {
  // YAML 1.2 (which meshsim reads) has no merge keys; `<<: *defaults` is then a key named '<<'.
  if (key === '<<') return "merge keys ('<<: *anchor') are not part of YAML 1.2, which scenarios use; write the fields out, or use the anchor as a whole value";
  const keys = objectKeys(objectSchema);
  if (keys.length === 0) return `unknown key '${key}'`;
  const hint = suggest(key, keys);
  return `unknown key '${key}'${hint || ` (expected one of: ${keys.join(', ')})`}`;
}

function bound(origin: string, op: string, limit: unknown, word: string): string {
  const n = Number(limit);
  if (origin === 'array' || origin === 'set') return `needs ${word} ${n} item${n === 1 ? '' : 's'}`;
  if (origin === 'string') return `must be ${word} ${n} character${n === 1 ? '' : 's'} long`;
  return `must be ${op} ${String(limit)}`;
}

function isDefault(message: string): boolean {
  return message.startsWith('Invalid');
}

function article(expected: string): string {
  if (expected === 'int') return 'an integer';
  if (expected === 'object') return 'a mapping';
  if (expected === 'array') return 'a list';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** `replicas: "3"`, `required: "false"`: the value is right but quoted, so YAML made it text. */
function quotedHint(expected: string, v: unknown): string {
  if (typeof v !== 'string') return '';
  const t = v.trim();
  const looksRight = expected === 'boolean' ? t === 'true' || t === 'false' : (expected === 'number' || expected === 'int') && t !== '' && Number.isFinite(Number(t));
  return looksRight ? '; write it without quotes' : '';
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `"${v}"`;
  return String(v);
}

/** " (did you mean 'x'?)" when some candidate is within a small edit distance. */
export function suggest(word: string, candidates: readonly string[]): string {
  let best = '';
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  // Two edits turn any two-letter word into any other: a suggestion must keep some letters.
  const close = bestDist <= Math.max(2, Math.floor(word.length / 3)) && bestDist < Math.min(word.length, best.length);
  return close ? ` (did you mean '${best}'?)` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

// ---- walking values and schemas ----

export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg as string];
  }
  return v;
}

interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  innerType?: AnySchema;
  in?: AnySchema;
  element?: AnySchema;
  valueType?: AnySchema;
  options?: AnySchema[];
}

function defOf(schema: AnySchema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Strips wrappers (optional, default, pipe...) down to the schema that does the checking. */
function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
}

/** The schema that validates the value at `path` below `schema` (best effort through unions). */
function schemaAt(schema: AnySchema, path: readonly PropertyKey[], data: unknown): AnySchema {
  let s = unwrap(schema);
  for (const seg of path) {
    const def = defOf(s);
    let next: AnySchema | undefined;
    if (def.type === 'object') next = def.shape?.[String(seg)];
    else if (def.type === 'array') next = def.element;
    else if (def.type === 'record') next = def.valueType;
    else if (def.type === 'union') next = (def.options ?? []).map(unwrap).find((o) => defOf(o).shape?.[String(seg)]);
    if (!next) return s;
    s = unwrap(next);
    if (defOf(s).type === 'union' && path.length === 0) break;
  }
  void data;
  return s;
}

function unionOptions(schema: AnySchema): AnySchema[] {
  const def = defOf(unwrap(schema));
  return def.type === 'union' ? (def.options ?? []).map(unwrap) : [];
}

function objectKeys(schema: AnySchema): string[] {
  const def = defOf(unwrap(schema));
  if (def.type === 'union') return [...new Set((def.options ?? []).flatMap(objectKeys))];
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** Names the likely intended service when there is one (a typo), else lists them all. */
export function unknownService(name: string, s: Pick<ScenarioParsed, 'services'>): string {
  const known = Object.keys(s.services);
  if (known.length === 0) return `unknown service '${name}' (there are no services)`;
  return `unknown service '${name}'${suggest(name, known) || ` (services: ${known.join(', ')})`}`;
}
