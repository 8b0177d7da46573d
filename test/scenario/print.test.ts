import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseScenario } from '../../sim/scenario/index.ts';
import { branchKind, inputOf, printableScenario, unitOf } from '../../sim/scenario/print.ts';
import { ScenarioSchema } from '../../sim/scenario/schema.ts';
import { formatDurationText, formatRateText, parseDurationNs, parseRatePerS } from '../../sim/scenario/units.ts';
import { validScenarioArb } from '../fuzz/arbitraries/scenario.ts';

/** What `validate --print` writes, parsed again under the same file name. */
const reparse = (text: string, file: string) => parseScenario(stringify(printableScenario(parseScenario(text, file))), file);

describe('validate --print writes a scenario that parses back to the same one', () => {
  const files = [...readdirSync('scenarios').map((f) => `scenarios/${f}`), ...readdirSync('bench/scenarios').map((f) => `bench/scenarios/${f}`)].filter((f) => f.endsWith('.yaml'));

  it.each(files)('%s', (file) => {
    const text = readFileSync(file, 'utf8');
    expect(reparse(text, file)).toEqual(parseScenario(text, file));
  });

  it('every generated valid scenario, variants, sweep and expectations included', () => {
    fc.assert(
      fc.property(validScenarioArb, (g) => {
        expect(reparse(g.yaml, 'case.yaml')).toEqual(parseScenario(g.yaml, 'case.yaml'));
      }),
      { seed: 20261207, numRuns: 200 },
    );
  });

  it('prints units, not nanoseconds: durations, rates and distributions as a person writes them', () => {
    const s = parseScenario('duration: 90s\nservices:\n  a: { replicas: 2, app: { serviceTime: { lognormal: { median: 2ms, p99: 10ms } } } }\nworkload: [{ to: a, rate: 120/min }]\n', 't.yaml');
    const printed = printableScenario(s) as { duration: string; services: { a: { app: { serviceTime: unknown } } }; workload: { rate: string }[]; metrics: { interval: string } };
    expect(printed.duration).toBe('90s');
    expect(printed.metrics.interval).toBe('1s');
    expect(printed.services.a.app.serviceTime).toEqual({ lognormal: { median: '2ms', p99: '10ms' } });
    expect(printed.workload[0]!.rate).toBe('2/s');
    expect(printed).not.toHaveProperty('file');
  });

  it('a duration prints in the largest unit that holds it exactly, and reads back to the same nanoseconds, however large', () => {
    expect([0, 7, 1_500, 250_000_000, 1_500_000_000, 60_000_000_000, 90_000_000_000, 5_400_000_000_000].map(formatDurationText)).toEqual(['0s', '7ns', '1500ns', '250ms', '1500ms', '1m', '90s', '90m']);
    expect(formatDurationText(1.1805916207174113e21)).toBe('1180591620717411303424ns');
    const ns = fc.oneof(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.double({ min: 2 ** 53, max: 1e300, noNaN: true }).map(Math.round));
    fc.assert(fc.property(ns, (n) => parseDurationNs(formatDurationText(n)) === n));
  });

  it('a rate reads back to exactly the same number, in the unit that needs the fewest digits', () => {
    expect([2000, 50 / 60, 0.000013 / 60, 0.0000008655 / 3600, 2, 500, 1e25].map(formatRateText)).toEqual([
      '2000/s',
      '50/min',
      '0.000013/min',
      '0.0000008655/h',
      '2/s',
      '500/s',
      '10000000000000000000000000/s',
    ]);
    // What the parser makes of rates as users write them: n/s, n/min, n/h and n/ms, n up to 12 decimals.
    const written = fc.tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 12 }), fc.constantFrom('s', 'min', 'h', 'ms'));
    fc.assert(
      fc.property(written, ([digits, decimals, unit]) => {
        const perS = parseRatePerS(`${(digits / 10 ** decimals).toFixed(decimals)}/${unit}`)!;
        expect(parseRatePerS(formatRateText(perS))).toBe(perS);
      }),
    );
    fc.assert(fc.property(fc.double({ min: 0, max: 1e30, noNaN: true }), (perS) => parseRatePerS(formatRateText(perS)) === perS));
  });

  it('an empirical percentile written with many decimals prints without an exponent', () => {
    const yaml = 'duration: 1s\nservices:\n  a: { replicas: 1, app: { serviceTime: { empirical: { p0: 1ms, p0.0000001: 2ms, p100: 3ms } } } }\nworkload: [{ to: a, rate: 1/s }]\n';
    const printed = printableScenario(parseScenario(yaml, 't.yaml')) as { services: { a: { app: { serviceTime: { empirical: object } } } } };
    expect(Object.keys(printed.services.a.app.serviceTime.empirical)).toEqual(['p0', 'p0.0000001', 'p100']);
    expect(reparse(yaml, 't.yaml')).toEqual(parseScenario(yaml, 't.yaml'));
  });

  it('a name taken from a file name that is no scenario name is left out, and comes back from the file name', () => {
    const yaml = 'duration: 1s\nservices: { a: { replicas: 1 } }\nworkload: [{ to: a, rate: 1/s }]\n';
    for (const file of ['2023-incident.yaml', 'my scenario.yaml', `${'x'.repeat(70)}.yaml`]) {
      expect(printableScenario(parseScenario(yaml, file))).not.toHaveProperty('name');
      expect(reparse(yaml, file)).toEqual(parseScenario(yaml, file));
    }
    expect(printableScenario(parseScenario(yaml, 'incident-2023.yaml'))).toHaveProperty('name', 'incident-2023');
  });

  it("every conversion in the schema is one of the three units --print inverts (a new one needs its inverse)", () => {
    const pipes: string[] = [];
    const walk = (schema: unknown, path: string): void => {
      const def = (schema as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
      if (def.type === 'pipe') {
        pipes.push(`${path}: ${unitOf(schema as never) ?? 'unknown'}`);
        if (unitOf(schema as never) !== undefined) return;
      }
      for (const key of ['innerType', 'element', 'valueType', 'in', 'out']) if (def[key]) walk(def[key], path);
      if (def.shape) for (const [k, v] of Object.entries(def.shape as object)) walk(v, `${path}.${k}`);
      if (def.options) (def.options as unknown[]).forEach((o, i) => walk(o, `${path}|${i}`));
    };
    walk(ScenarioSchema, '');
    expect(pipes.filter((p) => p.endsWith('unknown'))).toEqual([]);
    expect(pipes.length).toBeGreaterThan(50);
  });

  it('a value picks its union branch by its shape: no union has two list branches, or two scalar ones of which one is a unit', () => {
    const unions: { kind: string; unit: boolean }[][] = [];
    const walk = (schema: unknown): void => {
      const def = (schema as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
      if (unitOf(schema as never) !== undefined) return;
      if (def.type === 'union') unions.push((def.options as never[]).map((o) => ({ kind: branchKind(o), unit: unitOf(o) !== undefined })));
      for (const key of ['innerType', 'element', 'valueType', 'in', 'out']) if (def[key]) walk(def[key]);
      if (def.shape) for (const v of Object.values(def.shape as object)) walk(v);
      if (def.options) for (const o of def.options as unknown[]) walk(o);
    };
    walk(ScenarioSchema);
    expect(unions.length).toBeGreaterThanOrEqual(4);
    for (const branches of unions) {
      expect(branches.filter((b) => b.kind === 'list').length).toBeLessThanOrEqual(1);
      const scalars = branches.filter((b) => b.kind === 'scalar');
      // Two plain scalars (a count or a percentage) print alike; a unit beside another scalar would be ambiguous.
      if (scalars.length > 1) expect(scalars.some((b) => b.unit)).toBe(false);
    }
  });

  it('a schema type without a known input form is refused, not printed in its parsed form', () => {
    expect(() => inputOf(ScenarioSchema.shape.seed.transform((n) => String(n)) as never, 3)).toThrow(/no input form for schema type 'pipe'/);
  });
});
