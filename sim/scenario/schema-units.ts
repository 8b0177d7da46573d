/**
 * Units of the scenario format: durations, rates and duration distributions, as zod schemas
 * that validate, convert to integer nanoseconds / per-second rates, and document themselves.
 */
import { z } from 'zod';
import type { DistributionSpec } from '../engine/index.ts';
import { DURATION_HINT, DURATION_PATTERN, RATE_HINT, RATE_PATTERN, parseDurationNs, parseRatePerS } from './units.ts';

export const Duration = z
  .string({ error: DURATION_HINT })
  .regex(new RegExp(DURATION_PATTERN), { error: DURATION_HINT })
  .transform((s) => parseDurationNs(s)!)
  .meta({ description: 'A duration with a unit: 250ms, 2s, 1m30s (ns, us, ms, s, m, h).' });

export const Rate = z
  .string({ error: RATE_HINT })
  .regex(new RegExp(RATE_PATTERN), { error: RATE_HINT })
  .transform((s) => parseRatePerS(s)!)
  .meta({ description: 'A rate: 2000/s, 50/ms, 120/min.' });

const PERCENTILE_KEY = /^p(100|[0-9]{1,2}(\.[0-9]+)?)$/;

const DistributionForms = z
  .strictObject({
    constant: Duration.optional(),
    uniform: z.strictObject({ min: Duration, max: Duration }).optional(),
    exponential: z.strictObject({ mean: Duration }).optional(),
    lognormal: z
      .strictObject({ median: Duration, p99: Duration })
      .optional()
      .meta({ description: 'Lognormal given its median and 99th percentile.' }),
    empirical: z
      .record(z.string().regex(PERCENTILE_KEY, { error: 'percentile keys look like p0, p50, p99.9, p100' }), Duration)
      .optional()
      .meta({ description: 'Percentile table, e.g. {p0: 1ms, p50: 5ms, p99: 40ms, p100: 90ms}; linear in between.' }),
  })
  .superRefine(checkDistribution);

/** A duration distribution: a plain duration (constant) or exactly one named form. */
export const Distribution = z
  // The union's own message is what a value neither form accepts gets (a bare number, a list):
  // without it, `serviceTime: 5` was "does not match any allowed form", saying nothing of units.
  .union([Duration, DistributionForms], { error: `${DURATION_HINT}, or one of {constant}, {uniform}, {exponential}, {lognormal}, {empirical}` })
  .transform(toDistributionSpec)
  .meta({
    description:
      'A duration distribution: a plain duration (constant), or one of {constant}, {uniform: {min, max}}, ' +
      '{exponential: {mean}}, {lognormal: {median, p99}}, {empirical: {p0, ..., p100}}.',
  });

type DistributionInput = number | z.output<typeof DistributionForms>;

function checkDistribution(d: z.output<typeof DistributionForms>, ctx: z.RefinementCtx): void {
  const forms = Object.keys(d).filter((k) => d[k as keyof typeof d] !== undefined);
  if (forms.length !== 1) {
    ctx.addIssue({ code: 'custom', message: `needs exactly one of constant, uniform, exponential, lognormal, empirical (got ${forms.length === 0 ? 'none' : forms.join(', ')})` });
    return;
  }
  if (d.uniform && d.uniform.max < d.uniform.min) ctx.addIssue({ code: 'custom', path: ['uniform', 'max'], message: 'must be >= min' });
  if (d.lognormal && d.lognormal.median <= 0) ctx.addIssue({ code: 'custom', path: ['lognormal', 'median'], message: 'must be > 0' });
  if (d.lognormal && d.lognormal.p99 < d.lognormal.median) ctx.addIssue({ code: 'custom', path: ['lognormal', 'p99'], message: 'must be >= median' });
  if (d.empirical) checkEmpirical(d.empirical, ctx);
}

function checkEmpirical(table: Record<string, number>, ctx: z.RefinementCtx): void {
  const points = empiricalPoints(table);
  const keyOf = new Map<number, string>();
  for (const key of Object.keys(table)) {
    const p = Number(key.slice(1));
    // p50 and p50.0 name one percentile: two values for it would be a step nobody meant.
    if (keyOf.has(p)) ctx.addIssue({ code: 'custom', path: ['empirical', key], message: `is the same percentile as ${keyOf.get(p)}` });
    keyOf.set(p, key);
  }
  if (points[0]?.[0] !== 0 || points[points.length - 1]?.[0] !== 100) {
    ctx.addIssue({ code: 'custom', path: ['empirical'], message: 'needs p0 and p100 (the smallest and largest values)' });
  }
  for (let i = 1; i < points.length; i++) {
    if (points[i]![1] < points[i - 1]![1]) {
      ctx.addIssue({ code: 'custom', path: ['empirical', `p${points[i]![0]}`], message: `must be >= p${points[i - 1]![0]}` });
    }
  }
}

/** Sorted by numeric percentile: never rely on object-key order of numeric-like strings. */
function empiricalPoints(table: Record<string, number>): [number, number][] {
  return Object.entries(table)
    .map(([k, v]): [number, number] => [Number(k.slice(1)), v])
    .sort((x, y) => x[0] - y[0]);
}

function toDistributionSpec(d: DistributionInput): DistributionSpec {
  if (typeof d === 'number') return { kind: 'constant', value: d };
  if (d.constant !== undefined) return { kind: 'constant', value: d.constant };
  if (d.uniform) return { kind: 'uniform', min: d.uniform.min, max: d.uniform.max };
  if (d.exponential) return { kind: 'exponential', mean: d.exponential.mean };
  if (d.lognormal) return { kind: 'lognormal', median: d.lognormal.median, p99: d.lognormal.p99 };
  return { kind: 'empirical', points: empiricalPoints(d.empirical!) };
}

