/**
 * The edge: YAML text in, a validated and defaulted Scenario out, or a ScenarioError listing
 * every problem with file, line and path. Nothing else in meshsim sees raw input.
 */
import { Document, LineCounter, parseDocument } from 'yaml';
import { ScenarioError, pathToString, type ScenarioProblem } from './errors.ts';
import { describeIssues, type RawProblem } from './issues.ts';
import { locate } from './locate.ts';
import { ScenarioSchema, type ScenarioParsed } from './schema.ts';
import { checkSemantics } from './semantics.ts';
import { checkVariantShares } from './route-checks.ts';
import type { Scenario, Variant, Workload } from './scenario.ts';
import { planSweep, type PointProblem, type PointValidation, type SweepOverrides, type SweepPlan } from './sweep.ts';
import { applyOverrides, parseOverridePath, pathsOverlap } from './variants.ts';
import { notAMapping, yamlProblem } from './yaml-errors.ts';
import { structureProblems, controlCharacterProblem, nestingProblem, normalizeLineBreaks, yamlVersionProblem } from './yaml-guards.ts';

/** Largest scenario file accepted. */
export const MAX_SCENARIO_BYTES = 4 * 1024 * 1024;

/**
 * Parses and validates scenario YAML. `file` names the source in messages and sets the default
 * scenario name. Throws ScenarioError with every problem found.
 */
export function parseScenario(text: string, file = 'scenario.yaml'): Scenario {
  return parseAll(text, file, undefined).scenario;
}

/**
 * Parses a scenario for `meshsim sweep`: the scenario, and its grid (the file's `sweep:` block,
 * with `overrides` replacing or adding paths and seeds) expanded into points, each a validated
 * scenario with its variants. Every point x variant is validated before anything runs.
 */
export function parseSweep(text: string, file = 'scenario.yaml', overrides: SweepOverrides = {}): SweepPlan {
  return parseAll(text, file, overrides).sweep!;
}

function parseAll(text: string, file: string, overrides: SweepOverrides | undefined): { scenario: Scenario; sweep?: SweepPlan } {
  if (text.length > MAX_SCENARIO_BYTES) {
    throw new ScenarioError(file, [{ path: '', line: 0, column: 0, message: `file is larger than ${MAX_SCENARIO_BYTES} bytes` }]);
  }
  const { doc, lines } = parseYaml(normalizeLineBreaks(text), file);
  // structureProblems has checked every alias and bounded the expansion, more precisely than the
  // library's own heuristic (which threw a bare ReferenceError), so that one is off.
  const raw: unknown = doc.toJS({ maxAliasCount: -1 });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ScenarioError(file, [notAMapping(raw, doc, lines)]);
  const located = (ps: RawProblem[]) => ps.map((p) => place(p, doc, lines));
  const base = validate(raw, defaultName(file));
  if ('problems' in base) throw new ScenarioError(file, located(base.problems));
  const variants: Variant[] = [];
  const problems: ScenarioProblem[] = [];
  for (const [name, v] of Object.entries(base.parsed.variants)) {
    const result = validateVariant(raw, name, v.set, base.parsed.name ?? defaultName(file));
    if ('problems' in result) problems.push(...result.problems.map((p) => placeVariant(p, name, v.set, doc, lines)));
    else variants.push({ name, ...(v.description !== undefined && { description: v.description }), set: v.set, scenario: finish(result.parsed, file, []) });
  }
  if (problems.length > 0) throw new ScenarioError(file, problems);
  const shares = checkVariantShares(base.parsed, variants);
  if (shares.length > 0) throw new ScenarioError(file, located(shares));
  const scenario = finish(base.parsed, file, variants);
  if (!overrides && !base.parsed.sweep) return { scenario };
  // Without overrides (parseScenario), the grid is still validated but its points are not kept.
  const sweep = planSweep({ raw, scenario, doc, lines, overrides: overrides ?? {}, keep: overrides !== undefined }, pointValidator);
  return overrides ? { scenario, sweep } : { scenario };
}

/** Validates one grid point (and its variants) from the raw scenario with `settings` applied. */
function pointValidator(raw: unknown, settings: Record<string, unknown>, scenario: Scenario): PointValidation {
  const clean = { ...(raw as Record<string, unknown>) };
  delete clean.variants;
  delete clean.sweep;
  delete clean.expect; // they name variants; the point keeps the scenario's own (validated with it)
  const { value, errors } = applyOverrides(clean, settings);
  if (errors.length > 0) return { problems: errors.map((e) => ({ path: parseOverridePath(e.key), message: e.message })) };
  const point = validate(value, scenario.name);
  if ('problems' in point) return { problems: point.problems };
  const variants: Variant[] = [];
  const problems: PointProblem[] = [];
  for (const v of scenario.variants) {
    const result = validateVariant(value, v.name, v.set, scenario.name);
    if ('problems' in result) problems.push(...result.problems.map((p) => ({ ...p, variant: v.name })));
    else variants.push({ ...v, scenario: finish(result.parsed, scenario.file, []) });
  }
  if (problems.length > 0) return { problems };
  return { scenario: finish({ ...point.parsed, name: scenario.name, expect: scenario.expect }, scenario.file, variants) };
}

/** YAML text to a document, or a ScenarioError; nothing past this sees malformed YAML. */
function parseYaml(text: string, file: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  // The guards need line positions before the parser runs: count lines once, up front.
  lines.addNewLine(0);
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines.addNewLine(at + 1);
  const before = controlCharacterProblem(text, lines) ?? nestingProblem(text, lines);
  if (before) throw new ScenarioError(file, [before]);
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, logLevel: 'error' });
  const dialect = yamlVersionProblem(doc, text, lines);
  if (dialect) throw new ScenarioError(file, [dialect]);
  if (doc.errors.length > 0) throw new ScenarioError(file, doc.errors.map((e) => yamlProblem(e, doc, lines)));
  const aliases = structureProblems(doc, lines);
  if (aliases.length > 0) throw new ScenarioError(file, aliases);
  return { doc, lines };
}

type Validated = { parsed: ScenarioParsed & { name: string } } | { problems: RawProblem[] };

function validate(raw: unknown, fallbackName: string): Validated {
  const result = ScenarioSchema.safeParse(raw);
  if (!result.success) return { problems: describeIssues(result.error.issues, ScenarioSchema, raw) };
  const parsed = { ...result.data, name: result.data.name ?? fallbackName };
  parsed.workload = parsed.workload.map((w, i) => ({ ...w, name: w.name ?? `w${i}` }));
  const problems = checkSemantics(parsed);
  return problems.length > 0 ? { problems } : { parsed };
}

interface VariantProblem extends RawProblem {
  /** The override that caused it, when one did. */
  overrideKey?: string;
}

function validateVariant(raw: unknown, name: string, set: Record<string, unknown>, baseName: string): { parsed: ScenarioParsed & { name: string } } | { problems: VariantProblem[] } {
  const withoutVariants = { ...(raw as Record<string, unknown>) };
  delete withoutVariants.variants;
  // Expectations belong to the whole scenario (they name variants) and are checked with it.
  delete withoutVariants.expect;
  delete withoutVariants.sweep;
  const { value, errors } = applyOverrides(withoutVariants, set);
  if (errors.length > 0) return { problems: errors.map((e) => ({ path: [], message: e.message, overrideKey: e.key })) };
  const result = validate(value, baseName);
  if ('parsed' in result) return { parsed: { ...result.parsed, name: `${baseName}/${name}` } };
  // The base is valid, so every problem here comes from an override, but not always at the
  // override's path: `services.b.calls: [{service: a}]` makes a cycle reported at services.a,
  // a scale-up makes the pod total too large. Such a problem used to point at the base's line;
  // now it goes to the override that alone reproduces it (tried only on this error path).
  const soloProblems = new Map<string, RawProblem[]>();
  const reproducedBy = (key: string, p: RawProblem): boolean => {
    if (!soloProblems.has(key)) {
      const solo = applyOverrides(withoutVariants, { [key]: set[key] });
      const r = solo.errors.length > 0 ? undefined : validate(solo.value, baseName);
      soloProblems.set(key, r && 'problems' in r ? r.problems : []);
    }
    return soloProblems.get(key)!.some((q) => q.message === p.message && pathToString(q.path) === pathToString(p.path));
  };
  return {
    problems: result.problems.map((p) => {
      const keys = Object.keys(set);
      const key = keys.find((k) => pathsOverlap(k.replace(/\[(\d+)\]/g, '.$1').split('.'), p.path)) ?? keys.find((k) => reproducedBy(k, p));
      return key === undefined ? p : { ...p, overrideKey: key };
    }),
  };
}

function finish(parsed: ScenarioParsed & { name: string }, file: string, variants: Variant[]): Scenario {
  return { ...parsed, file, workload: parsed.workload as Workload[], variants };
}

function place(p: RawProblem, doc: Document, lines: LineCounter): ScenarioProblem {
  const pos = p.atKey ? locate(doc, lines, p.path.slice(0, -1), String(p.path[p.path.length - 1])) : locate(doc, lines, p.path);
  return { path: pathToString(p.path), message: p.message, ...pos };
}

/** A variant's problem points at the override that caused it, or at the base value it broke. */
function placeVariant(p: VariantProblem, variant: string, set: Record<string, unknown>, doc: Document, lines: LineCounter): ScenarioProblem {
  if (p.overrideKey !== undefined && Object.hasOwn(set, p.overrideKey)) {
    const pos = locate(doc, lines, ['variants', variant, 'set', p.overrideKey]);
    const what = p.path.length > 0 && pathToString(p.path) !== p.overrideKey ? `${pathToString(p.path)}: ` : '';
    return { path: `variants.${variant}.set.${p.overrideKey}`, message: `${what}${p.message}${nestedOverrideHint(p.overrideKey, set[p.overrideKey], what !== '')}`, ...pos };
  }
  const placed = place(p, doc, lines);
  return { ...placed, message: `in variant '${variant}': ${placed.message}` };
}

/**
 * `set: { services: { catalog: { replicas: 8 } } }` (nested, as in Helm values) replaces every
 * service with one defaulted catalog. When such an override breaks something elsewhere, say so.
 */
function nestedOverrideHint(key: string, value: unknown, elsewhere: boolean): string {
  if (!elsewhere || value === null || typeof value !== 'object' || Array.isArray(value)) return '';
  let leaf = key;
  let v: unknown = value;
  while (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
    const k = Object.keys(v)[0]!;
    leaf += `.${k}`;
    v = (v as Record<string, unknown>)[k];
  }
  return ` (an override replaces the whole value at its path; to change one field, set it by its dotted path, like ${leaf})`;
}

function defaultName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.ya?ml$/i, '') || 'scenario';
}
