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
  const problems = new Map<string, ProblemGroup>();
  const points: SweepPoint[] = [];
  const grid = gridSettings(axes);
  let checked = 0;
  grid.forEach((settings, index) => {
    if (problems.size >= MAX_PROBLEMS) return;
    checked++;
    const result = validatePoint(input.raw, settings, scenario);
    if ('problems' in result) for (const p of result.problems) addProblem(problems, p, settings, axes, input);
    else if (input.keep) points.push({ index, settings, label: pointLabel(settings), scenario: result.scenario });
  });
  if (problems.size > 0) throw new ScenarioError(file, [...problems.values()].map((g) => reportGroup(g, grid.length, checked, input)));
  return { scenario, seeds, axes, points };
}

/**
 * One problem as found at one or more grid points. A problem that is not about a swept value
 * itself (an unknown path, a reference) recurs at every point: it is reported once, saying at how
 * many, not once per point.
 */
interface ProblemGroup {
  first: ScenarioProblem;
  axis: SweepAxis | undefined;
  /** About the swept value itself (the problem's path is the axis's): no point to name. */
  aboutValue: boolean;
  /** The problem's own text, without the point it was found at. */
  text: string;
  labels: string[];
  values: unknown[];
}

function addProblem(groups: Map<string, ProblemGroup>, p: RawProblem, settings: Record<string, unknown>, axes: SweepAxis[], input: PlanInput): void {
  const axis = axisOf(p, axes);
  const parts = problemParts(p);
  const { where, inVariant } = parts;
  const placed = placeProblem(p, axis, parts, settings, input);
  const aboutValue = axis !== undefined && covers(axis, where);
  // A problem with the swept value itself in the file keeps its own line, one per value.
  const own = aboutValue && axis.from === 'file';
  const text = aboutValue ? `${p.message}${inVariant}` : `${inVariant}: ${where ? `${where}: ` : ''}${p.message}`;
  const key = own ? `${placed.line}:${placed.column}:${placed.path}:${placed.message}` : `${axis?.path ?? ''}\u0000${text}`;
  const g = groups.get(key);
  const value = axis ? settings[axis.path] : undefined;
  if (!g) groups.set(key, { first: placed, axis, aboutValue, text, labels: [pointLabel(settings)], values: [value] });
  else {
    g.labels.push(pointLabel(settings));
    if (!g.values.includes(value)) g.values.push(value);
  }
}

/** A group found once is reported as placed; else once, with its values and how many points had it. */
function reportGroup(g: ProblemGroup, points: number, checked: number, input: PlanInput): ScenarioProblem {
  const { axis } = g;
  if (!axis || new Set(g.labels).size === 1) return g.first;
  const valueText = g.values.map(formatSetting).join(',');
  const n = new Set(g.labels).size;
  const stopped = checked < points ? ` (checking stopped at ${MAX_PROBLEMS} problems)` : '';
  const at = n === points ? `at all ${points} grid points` : `at ${n} of ${points} grid points${stopped}, first at ${g.labels[0]}`;
  const message = g.aboutValue ? g.text : `${at}${g.text}`;
  if (axis.from === 'cli') return { path: `--set ${axis.path}=${valueText}`, message, line: 0, column: 0 };
  if (g.values.length === 1) return { ...g.first, message };
  return { path: `sweep.grid.${axis.path}`, message, ...locate(input.doc, input.lines, ['sweep', 'grid', axis.path]) };
}

type RawProblem = { path: PropertyKey[]; message: string; variant?: string };

/** The axis whose path covers the problem's, or, failing that, the first axis. */
function axisOf(p: RawProblem, axes: SweepAxis[]): SweepAxis | undefined {
  return axes.find((a) => pathsOverlap(parseOverridePath(a.path), p.path)) ?? axes[0];
}

/** The problem is at the swept path itself: it is about the value set there. */
function covers(axis: SweepAxis, where: string): boolean {
  return pathToString(parseOverridePath(axis.path)) === where;
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

/** A problem's path as text, and the variant it was found with, as a message suffix. */
interface ProblemParts {
  where: string;
  inVariant: string;
}

function problemParts(p: RawProblem): ProblemParts {
  return { where: pathToString(p.path), inVariant: p.variant !== undefined ? ` with variant '${p.variant}'` : '' };
}

/**
 * A point's problem points at the value that caused it: at this point's value of `axis` (the
 * one axisOf gives); a value from `--set` has no line.
 */
function placeProblem(p: RawProblem, axis: SweepAxis | undefined, { where, inVariant }: ProblemParts, settings: Record<string, unknown>, input: PlanInput): ScenarioProblem {
  if (!axis) return { path: 'sweep', message: `${where ? `${where}: ` : ''}${p.message}${inVariant}`, ...locate(input.doc, input.lines, [], 'sweep') };
  const k = axis.values.indexOf(settings[axis.path]);
  const message = covers(axis, where) ? `${p.message}${inVariant}` : `at ${pointLabel(settings)}${inVariant}: ${where ? `${where}: ` : ''}${p.message}`;
  if (axis.from === 'cli') return { path: `--set ${axis.path}=${formatSetting(settings[axis.path])}`, message, line: 0, column: 0 };
  return { path: `sweep.grid.${axis.path}.${k}`, message, ...locate(input.doc, input.lines, ['sweep', 'grid', axis.path, k]) };
}
