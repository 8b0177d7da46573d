import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseScenario } from '../../sim/scenario/index.ts';
import { formatDuration, formatRate, inputOf, printableScenario, unitOf } from '../../sim/scenario/print.ts';
import { ScenarioSchema } from '../../sim/scenario/schema.ts';
import { parseDurationNs, parseRatePerS } from '../../sim/scenario/units.ts';
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

  it('a duration prints in the largest unit that holds it exactly, and reads back to the same nanoseconds', () => {
    expect([0, 7, 1_500, 250_000_000, 1_500_000_000, 60_000_000_000, 5_400_000_000_000].map(formatDuration)).toEqual(['0s', '7ns', '1500ns', '250ms', '1500ms', '1m', '90m']);
    fc.assert(fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), (ns) => parseDurationNs(formatDuration(ns)) === ns));
  });

  it('a rate reads back to the same number, however many digits it has', () => {
    expect([2000, 50 / 60, 1e-7, 5e21].map(formatRate)).toEqual(['2000/s', '0.8333333333333334/s', '0.00035999999999999997/h', '5000000000000000000/ms']);
    const rate = fc.double({ min: 1e-6, max: 1e12, noNaN: true });
    fc.assert(fc.property(rate, (perS) => parseRatePerS(formatRate(perS)) === perS));
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

  it('a schema type without a known input form is refused, not printed in its parsed form', () => {
    expect(() => inputOf(ScenarioSchema.shape.seed.transform((n) => String(n)) as never, 3)).toThrow(/no input form for schema type 'pipe'/);
  });
});
