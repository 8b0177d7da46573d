/**
 * A validated Scenario back to the scenario format, every default filled in: what
 * `meshsim validate --print` shows. It is written in the format's own units (`60s`, `2000/s`,
 * `{lognormal: {median: 2ms, p99: 10ms}}`), so the printed file parses back to the same
 * Scenario (a test checks this on every shipped scenario and on fuzzed ones).
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
import { parseRatePerS } from './units.ts';
import type { Scenario } from './scenario.ts';

/** The scenario as plain data in the input format, keys in the schema's order. */
export function printableScenario(s: Scenario): Record<string, unknown> {
  const { file: _file, variants, ...rest } = s;
  const input = inputOf(ScenarioSchema, { ...rest, variants: {} }) as Record<string, unknown>;
  const byName: Record<string, unknown> = {};
  for (const v of variants) byName[v.name] = { ...(v.description !== undefined && { description: v.description }), set: v.set };
  input.variants = byName;
  return input;
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
  if (unit === 'duration') return formatDuration(value as number);
  if (unit === 'rate') return formatRate(value as number);
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
 * The union branch a parsed value came from. The scenario's unions of objects (a call or a
 * parallel step, an open or a closed loop) differ by their keys: the branch whose shape has every
 * key of the value. Unions of plain values need no choice: any branch prints them as they are.
 */
function unionBranch(options: z.ZodType[], value: unknown): z.ZodType {
  if (typeof value !== 'object' || Array.isArray(value)) return options.find((o) => PLAIN.has(defOf(o).type)) ?? options[0]!;
  const keys = Object.keys(value as object).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  return options.find((o) => objectShape(o) !== undefined && keys.every((k) => k in objectShape(o)!)) ?? options[0]!;
}

function objectShape(schema: z.ZodType): Record<string, unknown> | undefined {
  let def = defOf(schema);
  while (def.innerType) def = defOf(def.innerType);
  return def.type === 'object' ? (def.shape as Record<string, unknown>) : undefined;
}

const UNITS_NS: [string, number][] = [
  ['h', 3_600_000_000_000],
  ['m', 60_000_000_000],
  ['s', 1_000_000_000],
  ['ms', 1_000_000],
  ['us', 1_000],
];

/** Integer nanoseconds in the largest unit that holds them exactly: 60s, 1500ms, 7ns, 0s. */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  for (const [unit, size] of UNITS_NS) if (ns % size === 0) return `${ns / size}${unit}`;
  return `${ns}ns`;
}

/**
 * Events per second as a rate that parses back to the same number: per second, as JavaScript
 * writes the number (its shortest form that reads back exactly), unless that needs an exponent
 * (below 1e-6 or from 1e21), which the format does not take; then per hour or per millisecond.
 */
export function formatRate(perS: number): string {
  const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;
  if (DECIMAL.test(String(perS))) return `${perS}/s`;
  for (const [unit, perUnit] of [['h', 3600], ['ms', 1 / 1000]] as const) {
    const text = String(perS * perUnit);
    if (DECIMAL.test(text) && parseRatePerS(`${text}/${unit}`) === perS) return `${text}/${unit}`;
  }
  return `${perS.toFixed(20)}/s`; // nearest, not exact: no rate this small or large is meaningful
}

function distributionInput(d: DistributionSpec): unknown {
  switch (d.kind) {
    case 'constant':
      return formatDuration(d.value);
    case 'uniform':
      return { uniform: { min: formatDuration(d.min), max: formatDuration(d.max) } };
    case 'exponential':
      return { exponential: { mean: formatDuration(d.mean) } };
    case 'lognormal':
      return { lognormal: { median: formatDuration(d.median), p99: formatDuration(d.p99) } };
    case 'empirical':
      return { empirical: Object.fromEntries(d.points.map(([p, ns]) => [`p${p}`, formatDuration(ns)])) };
  }
}
