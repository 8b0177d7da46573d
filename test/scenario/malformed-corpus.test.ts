/**
 * The malformed-scenario corpus: test/scenario/corpus/NN-short-name.yaml (NNN from 100), one file per mistake
 * a platform engineer really makes. Adding a file adds a test case.
 *
 * Each file's first line states the problem validation must report, as
 *
 *   # expect: LINE:COLUMN PATH: MESSAGE          the message is exactly MESSAGE
 *   # expect-prefix: LINE:COLUMN PATH: MESSAGE   the message starts with MESSAGE
 *
 * LINE and COLUMN are 1-based (0:0 only for a file with no content at all, which has no
 * position). PATH is the dotted path of the problem (`services.frontend.replica`), or
 * `(document)` for a problem with an empty path (YAML syntax, a top level that is not a mapping).
 * The expected problem must be among `.problems` with exactly this line, column and path; other
 * problems may be reported too (e.g. `workload is required` next to `unknown key 'workloads'`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ScenarioError, decodeScenarioBytes, formatProblems, parseScenario, scenarioJsonSchema, type ScenarioProblem } from '../../sim/scenario/index.ts';
import { ScenarioSchema } from '../../sim/scenario/schema.ts';

const corpusDir = fileURLToPath(new URL('./corpus/', import.meta.url));
const scenariosDir = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const corpusFiles = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

interface Expectation {
  line: number;
  column: number;
  path: string;
  message: string;
  prefix: boolean;
}

const EXPECT_LINE = /^# expect(-prefix)?: (\d+):(\d+) (\S+): (.+)$/;

function expectationOf(name: string, text: string): Expectation {
  const first = text.split('\n')[0] ?? '';
  const m = EXPECT_LINE.exec(first);
  if (!m) throw new Error(`${name}: the first line must be '# expect: LINE:COLUMN PATH: MESSAGE' (got ${JSON.stringify(first)})`);
  return { prefix: m[1] !== undefined, line: Number(m[2]), column: Number(m[3]), path: m[4] === '(document)' ? '' : m[4]!, message: m[5]! };
}

/** Validates the file's bytes as the CLI does: decoded as UTF-8 (a file that is not is rejected), then parsed. */
function rejection(bytes: Uint8Array, file: string): ScenarioError {
  try {
    parseScenario(decodeScenarioBytes(bytes, file), file);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw new Error(`${file}: threw ${String(e)} instead of a ScenarioError`);
  }
  throw new Error(`${file}: was accepted, but it is malformed`);
}

/** True when the YAML has something besides comments and blank lines. */
function hasContent(text: string): boolean {
  return text.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('#'));
}

describe('malformed scenario corpus', () => {
  it('has at least 24 files, each named NN-short-name.yaml (NNN from 100) and stating its expected problem', () => {
    expect(corpusFiles.length).toBeGreaterThanOrEqual(24);
    for (const name of corpusFiles) {
      expect(name).toMatch(/^\d{2,3}-[a-z0-9-]+\.yaml$/);
      expect(() => expectationOf(name, readFileSync(corpusDir + name, 'utf8'))).not.toThrow();
    }
  });

  describe.each(corpusFiles)('%s', (name) => {
    const bytes = readFileSync(corpusDir + name);
    const text = bytes.toString('utf8'); // lossy for the not-UTF-8 case; used for its expect line and line count
    const file = `corpus/${name}`;

    it('is rejected with the expected problem at the exact line, column and path', () => {
      const want = expectationOf(name, text);
      const { problems } = rejection(bytes, file);
      const here = problems.filter((p) => p.line === want.line && p.column === want.column && p.path === want.path);
      const matches = (p: ScenarioProblem) => (want.prefix ? p.message.startsWith(want.message) : p.message === want.message);
      expect(
        here.some(matches),
        `expected ${want.line}:${want.column} ${want.path || '(document)'}: ${want.message}${want.prefix ? '...' : ''}\ngot:\n${formatProblems(file, problems)}`,
      ).toBe(true);
    });

    it('locates every problem on a line of the file (line 0 only when the file has no content)', () => {
      const { problems } = rejection(bytes, file);
      const lineCount = text.split('\n').length;
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) {
        if (hasContent(text)) {
          expect(p.line, `${p.path}: ${p.message}`).toBeGreaterThan(0);
          expect(p.column, `${p.path}: ${p.message}`).toBeGreaterThan(0);
        }
        expect(p.line).toBeLessThanOrEqual(lineCount);
      }
    });

    it('formats each problem as file:line:column: path: message', () => {
      const e = rejection(bytes, file);
      for (const p of e.problems) {
        const where = p.line > 0 ? `${file}:${p.line}:${p.column}:` : `${file}:`;
        expect(e.message).toContain(`${where} ${p.path ? `${p.path}: ` : ''}${p.message}`);
      }
      const want = expectationOf(name, text);
      if (want.line > 0) expect(e.message).toContain(`${file}:${want.line}:${want.column}:`);
    });
  });
});

describe('shipped scenarios', () => {
  const shipped = readdirSync(scenariosDir).filter((f) => /\.ya?ml$/.test(f));

  it('there are shipped scenarios to check', () => {
    expect(shipped).toContain('quickstart.yaml');
  });

  it.each(shipped)('scenarios/%s validates without problems', (name) => {
    const text = readFileSync(scenariosDir + name, 'utf8');
    expect(() => parseScenario(text, `scenarios/${name}`)).not.toThrow();
  });
});

describe('a scenario with several mistakes', () => {
  const text = [
    'duration: 60',                                                         // 1: bare number
    'seed: -1',                                                             // 2: out of range
    'services:',                                                            // 3
    '  frontend:',                                                          // 4
    '    replica: 2',                                                       // 5: unknown key
    '    calls: [{ service: auth, probability: 2 }]',                       // 6: probability > 1
    '  auth:',                                                              // 7
    '    trafficPolicy: { loadBalancer: { simple: ROUNDROBIN } }',           // 8: bad enum
    'workload:',                                                            // 9
    '  - { to: frontend, rate: 100 }',                                      // 10: malformed rate
  ].join('\n');

  it('reports every mistake, one problem each, in file order', () => {
    const e = rejection(new TextEncoder().encode(text), 'many.yaml');
    expect(e.problems.map((p) => [p.line, p.path])).toEqual([
      [1, 'duration'],
      [2, 'seed'],
      [5, 'services.frontend.replica'],
      [6, 'services.frontend.calls.0.probability'],
      [8, 'services.auth.trafficPolicy.loadBalancer.simple'],
      [10, 'workload.0.rate'],
    ]);
    const lines = e.message.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines.map((l) => Number(/^many\.yaml:(\d+):/.exec(l)?.[1]))).toEqual([1, 2, 5, 6, 8, 10]);
    expect(lines[4]).toContain("(did you mean 'ROUND_ROBIN'?)");
  });
});

describe('meshsim schema (JSON Schema)', () => {
  const schema = scenarioJsonSchema() as { $schema?: string; required?: string[]; properties?: Record<string, unknown>; additionalProperties?: unknown };

  it('declares JSON Schema draft 2020-12', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('requires duration, services and workload', () => {
    expect([...(schema.required ?? [])].sort()).toEqual(['duration', 'services', 'workload']);
  });

  it('lists exactly the top-level keys the validator accepts, and no others', () => {
    const validatorKeys = Object.keys(ScenarioSchema.shape).sort();
    expect(validatorKeys).toContain('duration');
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(validatorKeys);
    expect(schema.additionalProperties).toBe(false);
  });
});
