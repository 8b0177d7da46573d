/**
 * A validated Scenario back to the scenario format, every default filled in: what
 * `meshsim validate --print` shows. It is written in the format's own units (`90s`, `2000/s`,
 * `{lognormal: {median: 2ms, p99: 10ms}}`), so the printed file parses back to the same
 * Scenario (a test checks this on every shipped scenario and on fuzzed ones). A name taken from
 * a file name that is no scenario name (`2023-incident.yaml`) is left out: printed, it would be
 * refused, and left out it is taken from the file name again.
 *
 * The walk follows the schema beside the value: the only places where the parsed form differs
 * from the input are the three unit schemas (Duration, Rate, Distribution), each a zod pipe
 * into a transform; everything else is input and output alike. A copy made by .meta() or
 * .refine() (AtLeast1ms) keeps the pipe's transform, so a unit is recognised by that.
 */
import type { z } from 'zod';
import type { DistributionSpec } from '../engine/index.ts';
import { ScenarioSchema } from './schema.ts';
import { Distribution, Duration, Rate } from './schema-units.ts';
import { formatDurationText, formatRateText, shortestDecimal } from './units.ts';
import type { Scenario } from './scenario.ts';

/** The scenario as plain data in the input format, keys in the schema's order. */
export function printableScenario(s: Scenario): Record<string, unknown> {
  const { file: _file, variants, name, ...rest } = s;
  const input = inputOf(ScenarioSchema, { ...rest, ...(isScenarioName(name) && { name }), variants: {} }) as Record<string, unknown>;
  const byName: Record<string, unknown> = {};
  for (const v of variants) byName[v.name] = { ...(v.description !== undefined && { description: v.description }), set: v.set };
  input.variants = byName;
  return input;
}

/** Whether `name` may be written as a scenario's `name:` (a name from a file name need not). */
export function isScenarioName(name: string): boolean {
  return ScenarioSchema.shape.name.safeParse(name).success;
}

type Def = { type: string; [k: string]: unknown };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** The transform at the end of a unit schema's pipe: the same object in every copy of it. */
const transformOf = (def: Def): unknown => (def.type === 'pipe' ? def.out : undefined);
const DURATION = transformOf(defOf(Duration));
const RATE = transformOf(defOf(Rate));
const DISTRIBUTION = transformOf(defOf(Distribution));

/** Which of the format's units `schema` is (a copy of), if any. */
export function unitOf(schema: z.ZodType): 'duration' | 'rate' | 'distribution' | undefined {
  const t = transformOf(defOf(schema));
  if (t === undefined) return undefined;
  return t === DURATION ? 'duration' : t === RATE ? 'rate' : t === DISTRIBUTION ? 'distribution' : undefined;
}

/** Schema types whose value is the same in the input and the parsed form. */
const PLAIN = new Set(['string', 'number', 'int', 'boolean', 'enum', 'literal', 'unknown', 'any', 'null']);

/** `value` (parsed by `schema`) in the input form `schema` accepts. */
export function inputOf(schema: z.ZodType, value: unknown): unknown {
  const def = defOf(schema);
  const unit = unitOf(schema);
  if (unit === 'duration') return formatDurationText(value as number);
  if (unit === 'rate') return formatRateText(value as number);
  if (unit === 'distribution') return distributionInput(value as DistributionSpec);
  if (value === undefined || value === null || PLAIN.has(def.type)) return value;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
      return inputOf(def.innerType as z.ZodType, value);
    case 'object':
      return objectInput(def.shape as Record<string, z.ZodType>, value as Record<string, unknown>);
    case 'record':
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, inputOf(def.valueType as z.ZodType, v)]));
    case 'array':
      return (value as unknown[]).map((v) => inputOf(def.element as z.ZodType, v));
    case 'union':
      return inputOf(unionBranch(def.options as z.ZodType[], value), value);
    default:
      // A pipe other than the three units would convert its input: printing it needs its inverse here.
      throw new Error(`validate --print: no input form for schema type '${def.type}'`);
  }
}

function objectInput(shape: Record<string, z.ZodType>, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(shape)) if (value[key] !== undefined) out[key] = inputOf(schema, value[key]);
  return out;
}

/**
 * The union branch a parsed value came from, by its shape. A list comes from the list branch
 * (an expectation's `variant: [a, b]`). Any other non-object value comes from the first branch
 * that is neither an object nor a list: a unit (an app client's `backoff: 250ms`, whose other
 * branch is an object), or one of several plain ones (a count or a percentage), which print
 * alike. An object comes from the object branch whose shape has every key it has (a call or a
 * parallel step, an open or a closed loop). A test walks every union of the format for these
 * assumptions: one list branch at most, and no unit beside another scalar branch.
 */
function unionBranch(options: z.ZodType[], value: unknown): z.ZodType {
  const kind = valueKind(value);
  const found = options.find((o) => branchKind(o) === kind && (kind !== 'object' || objectFits(o, value as Record<string, unknown>)));
  if (!found) throw new Error(`validate --print: no union branch for a value of kind ${kind}`);
  return found;
}

type Kind = 'object' | 'list' | 'scalar';

function valueKind(value: unknown): Kind {
  return Array.isArray(value) ? 'list' : typeof value === 'object' && value !== null ? 'object' : 'scalar';
}

/** What a union branch accepts, under its optional/default wrappers. */
export function branchKind(schema: z.ZodType): Kind {
  const type = innermost(schema).type;
  return type === 'object' || type === 'record' ? 'object' : type === 'array' ? 'list' : 'scalar';
}

function objectFits(schema: z.ZodType, value: Record<string, unknown>): boolean {
  const def = innermost(schema);
  if (def.type !== 'object') return true;
  const shape = def.shape as Record<string, unknown>;
  return Object.keys(value).every((k) => value[k] === undefined || k in shape);
}

function innermost(schema: z.ZodType): Def {
  let def = defOf(schema);
  while (def.innerType) def = defOf(def.innerType);
  return def;
}

function distributionInput(d: DistributionSpec): unknown {
  switch (d.kind) {
    case 'constant':
      return formatDurationText(d.value);
    case 'uniform':
      return { uniform: { min: formatDurationText(d.min), max: formatDurationText(d.max) } };
    case 'exponential':
      return { exponential: { mean: formatDurationText(d.mean) } };
    case 'lognormal':
      return { lognormal: { median: formatDurationText(d.median), p99: formatDurationText(d.p99) } };
    case 'empirical':
      // A percentile read from p0.0000001 is 1e-7, which String() would write with an exponent.
      return { empirical: Object.fromEntries(d.points.map(([p, ns]) => [`p${shortestDecimal(p, (t) => Number(t) === p) ?? p}`, formatDurationText(ns)])) };
  }
}
