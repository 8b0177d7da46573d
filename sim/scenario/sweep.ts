/**
 * Sweeps at the edge: a grid of values per settable path (the variants' path syntax), from the
 * scenario's `sweep:` block and `meshsim sweep --set path=v1,v2,...`, expanded into grid points.
 * Each point is the raw scenario with its settings applied, validated exactly like a variant, and
 * each of the scenario's variants is applied on top of it: a variant is "the same run with the
 * fix", at every point. Every point x variant is checked before anything runs.
 */
import { stringify, type Document, type LineCounter } from 'yaml';
import type { ScenarioProblem } from './errors.ts';
import { ScenarioError, pathToString } from './errors.ts';
import { HARD_LIMITS } from './limits.ts';
import { locate } from './locate.ts';
import type { Scenario } from './scenario.ts';
import { parseOverridePath, pathsOverlap } from './variants.ts';

/** One swept path and its values, in the order given. */
export interface SweepAxis {
  path: string;
  values: unknown[];
  /** Where the values came from: the file's sweep block or the command line. */
  from: 'file' | 'cli';
}

/** One combination of axis values. */
export interface SweepPoint {
  /** 0-based, in grid order: the first axis varies slowest. */
  index: number;
  settings: Record<string, unknown>;
  /** `services.catalog.replicas=3 workload.0.rate=2000/s` ("(base)" for an empty grid). */
  label: string;
  /** The validated scenario at this point, its variants included. */
  scenario: Scenario;
}

export interface SweepPlan {
  /** The scenario as written (its variants included), the base of every point. */
  scenario: Scenario;
  seeds: number;
  axes: SweepAxis[];
  points: SweepPoint[];
}

/** What `meshsim sweep` adds to or replaces in the file's sweep block. */
export interface SweepOverrides {
  /** Replaces a file axis of the same path; other paths are added after the file's. */
  grid?: { path: string; values: unknown[] }[];
  seeds?: number;
}

export interface PointProblem {
  path: PropertyKey[];
  message: string;
  variant?: string;
}

export type PointValidation = { scenario: Scenario } | { problems: PointProblem[] };

interface PlanInput {
  raw: unknown;
  scenario: Scenario;
  doc: Document;
  lines: LineCounter;
  overrides: SweepOverrides;
  /** Keep each point's scenario (false: validate only). */
  keep: boolean;
}

/** Problems beyond this many are summarised: a bad value repeats at every point it is in. */
const MAX_PROBLEMS = 50;

/** Every combination of the axes' values, first axis slowest (a grid with no axes is one point). */
export function gridSettings(axes: readonly { path: string; values: readonly unknown[] }[]): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const axis of axes) points = points.flatMap((p) => axis.values.map((v) => ({ ...p, [axis.path]: v })));
  return points;
}

/** A value as a user writes it in YAML, on one line: `3`, `2000/s`, `{ exponential: { mean: 5ms } }`. */
export function formatSetting(v: unknown): string {
  return typeof v === 'string' ? v : stringify(v, { collectionStyle: 'flow', lineWidth: 0 }).trim();
}

export function pointLabel(settings: Record<string, unknown>): string {
  const parts = Object.entries(settings).map(([k, v]) => `${k}=${formatSetting(v)}`);
  return parts.length > 0 ? parts.join(' ') : '(base)';
}

export function planSweep(input: PlanInput, validatePoint: (raw: unknown, settings: Record<string, unknown>, s: Scenario) => PointValidation): SweepPlan {
  const { scenario } = input;
  const file = scenario.file;
  const axes = mergeAxes(Object.entries(scenario.sweep?.grid ?? {}).map(([path, values]) => ({ path, values, from: 'file' as const })), input.overrides.grid ?? []);
  const seeds = input.overrides.seeds ?? scenario.sweep?.seeds ?? 1;
  checkSize(file, axes, seeds, scenario.variants.length, input);
  const problems = new Map<string, ScenarioProblem>();
  const points: SweepPoint[] = [];
  gridSettings(axes).forEach((settings, index) => {
    if (problems.size >= MAX_PROBLEMS) return;
    const result = validatePoint(input.raw, settings, scenario);
    if ('problems' in result) {
      for (const p of result.problems) {
        const placed = placeProblem(p, settings, axes, input);
        problems.set(`${placed.line}:${placed.column}:${placed.path}:${placed.message}`, placed);
      }
    } else if (input.keep) points.push({ index, settings, label: pointLabel(settings), scenario: result.scenario });
  });
  if (problems.size > 0) throw new ScenarioError(file, [...problems.values()]);
  return { scenario, seeds, axes, points };
}

function mergeAxes(fromFile: SweepAxis[], fromCli: { path: string; values: unknown[] }[]): SweepAxis[] {
  const axes = [...fromFile];
  for (const a of fromCli) {
    const i = axes.findIndex((x) => x.path === a.path);
    const axis: SweepAxis = { path: a.path, values: a.values, from: 'cli' };
    if (i >= 0) axes[i] = axis;
    else axes.push(axis);
  }
  return axes;
}

function checkSize(file: string, axes: SweepAxis[], seeds: number, variants: number, input: PlanInput): void {
  const points = axes.reduce((n, a) => n * a.values.length, 1);
  const runs = points * (1 + variants) * seeds;
    const fail = (message: string) => {
    throw new ScenarioError(file, [{ path: 'sweep', message, ...locate(input.doc, input.lines, [], 'sweep') }]);
  };
  if (axes.length > HARD_LIMITS.sweepPaths) fail(`sweeps ${axes.length} paths; the limit is ${HARD_LIMITS.sweepPaths}`);
  for (const a of axes) {
    if (a.values.length > HARD_LIMITS.sweepValuesPerPath) fail(`${a.path} has ${a.values.length} values; the limit is ${HARD_LIMITS.sweepValuesPerPath}`);
  }
  if (points > HARD_LIMITS.sweepPoints) fail(`the grid has ${points} points; the limit is ${HARD_LIMITS.sweepPoints}`);
  if (runs > HARD_LIMITS.sweepRuns) fail(`${points} grid points x ${1 + variants} variants x ${seeds} seeds is ${runs} runs; the limit is ${HARD_LIMITS.sweepRuns}`);
}

/**
 * A point's problem points at the value that caused it: the axis whose path covers the problem
 * (or, failing that, the first axis), at this point's value; a value from `--set` has no line.
 */
function placeProblem(p: { path: PropertyKey[]; message: string; variant?: string }, settings: Record<string, unknown>, axes: SweepAxis[], input: PlanInput): ScenarioProblem {
  const axis = axes.find((a) => pathsOverlap(parseOverridePath(a.path), p.path)) ?? axes[0];
  const where = pathToString(p.path);
  const inVariant = p.variant !== undefined ? ` with variant '${p.variant}'` : '';
  if (!axis) return { path: 'sweep', message: `${where ? `${where}: ` : ''}${p.message}${inVariant}`, ...locate(input.doc, input.lines, [], 'sweep') };
  const k = axis.values.indexOf(settings[axis.path]);
  const covers = pathToString(parseOverridePath(axis.path)) === where;
  const message = `${covers ? '' : `at ${pointLabel(settings)}${inVariant}: ${where ? `${where}: ` : ''}`}${p.message}${covers ? inVariant : ''}`;
  if (axis.from === 'cli') return { path: `--set ${axis.path}=${formatSetting(settings[axis.path])}`, message, line: 0, column: 0 };
  return { path: `sweep.grid.${axis.path}.${k}`, message, ...locate(input.doc, input.lines, ['sweep', 'grid', axis.path, k]) };
}
