/**
 * Scenarios are YAML 1.2 whatever their first line says, and the messages about a document never
 * compose a key that is a collection (found by `npm run fuzz`: a `%YAML 1.1` file whose mapping
 * key held `<<: *scalar` ended in "internal error: Merge sources must be maps or map aliases").
 */
import { describe, expect, it } from 'vitest';
import { isMap, parseDocument } from 'yaml';
import { ScenarioError, parseScenario } from '../../sim/scenario/index.ts';
import { keyText } from '../../sim/scenario/locate.ts';

const BODY = 'duration: 10s\nservices:\n  api: { replicas: 2 }\nworkload: [{ to: api, rate: 10/s }]\n';

function problems(text: string): string[] {
  try {
    parseScenario(text, 'f.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as ScenarioError).problems.map((p) => `${p.line}:${p.column} ${p.message}`);
  }
  return [];
}

describe('the YAML dialect of a scenario', () => {
  it('a %YAML 1.1 directive is refused at its line, before anything is read with 1.1 rules', () => {
    const refused = "invalid YAML: scenarios are YAML 1.2, not 1.1 (remove the '%YAML 1.1' line)";
    expect(problems(`%YAML 1.1\n---\n${BODY}`)).toEqual([`1:1 ${refused}`]);
    expect(problems(`# settings\n%YAML 1.1\n---\n${BODY}`)).toEqual([`2:1 ${refused}`]);
    expect(problems(`%YAML 1.2\n%YAML 1.1\n---\n${BODY}`)).toEqual([`2:1 ${refused}`]); // the later one is in force
    // The fuzzer's case, shrunk: a merge of a scalar inside a mapping used as a key, in a file that is malformed besides.
    expect(problems('%YAML 1.1\n---\nbase: &base 2\n{ <<: *base, a: 1\n')).toEqual([`1:1 ${refused}`]);
  });

  it('without the directive the same text is YAML 1.2: `<<` is a plain key, refused with its reason', () => {
    expect(problems(BODY)).toEqual([]);
    expect(problems(`%YAML 1.2\n---\n${BODY}`)).toEqual([]);
    const merge = problems('defaults: &d { replicas: 2 }\nduration: 10s\nservices:\n  api: { <<: *d }\nworkload: [{ to: api, rate: 10/s }]\n');
    expect(merge.some((p) => p.startsWith('4:') && p.includes("merge keys ('<<: *anchor') are not part of YAML 1.2"))).toBe(true);
  });

  it('a key that is a mapping or a list is named, never composed (composing one can throw)', () => {
    const doc = parseDocument('%YAML 1.1\n---\nx: &x 1\n? { <<: *x }\n: 2\n? [a, *x]\n: 3\n');
    const keys = isMap(doc.contents) ? doc.contents.items.map((p) => p.key) : [];
    expect(() => String(keys[1])).toThrow(/Merge sources must be maps/);
    expect(keys.map(keyText)).toEqual(['x', '{…}', '[…]']);
  });
});
