import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateExpectations, runScenario, type RunResult } from '../../sim/run/index.ts';
import { parseScenario, parseSweep, type Scenario } from '../../sim/scenario/index.ts';

const load = (file: string): Scenario => parseScenario(readFileSync(`scenarios/${file}`, 'utf8'), `scenarios/${file}`);
const runAll = (s: Scenario): RunResult[] => ['base', ...s.variants.map((v) => v.name)].map((variant) => runScenario(s, { variant }));

/** The same results, each variant's run relabelled as another: what `check` would see if a fix stopped working. */
const relabel = (runs: RunResult[], from: string, to: string): RunResult[] =>
  runs.filter((r) => r.summary.variant === from).map((r) => ({ ...r, summary: { ...r.summary, variant: to } }));

describe('shipped incident scenarios are self-checking', () => {
  const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml') && !f.includes('4000') && !f.includes('1000'));
  for (const file of files) {
    const scenario = load(file);
    if (scenario.expect.length === 0) continue;
    it(`${file}: every expectation holds`, () => {
      const failed = evaluateExpectations(scenario, runAll(scenario)).filter((r) => !r.pass);
      expect(failed).toEqual([]);
    });
  }

  it('rolling-deploy-503s: the fix\'s expectations fail on the base (they would catch the fix breaking), and the incident\'s on the fix', () => {
    const s = load('rolling-deploy-503s.yaml');
    const runs = runAll(s);
    const fixSeesBase = evaluateExpectations(s, relabel(runs, 'base', 'prestop-sleep')).filter((r) => r.variant === 'prestop-sleep' && r.metric !== 'api.readyAtEnd');
    expect(fixSeesBase.length).toBeGreaterThan(0);
    expect(fixSeesBase.every((r) => !r.pass)).toBe(true);
    const baseSeesFix = evaluateExpectations(s, relabel(runs, 'prestop-sleep', 'base')).filter((r) => r.variant === 'base' && r.metric !== 'api.readyAtEnd');
    expect(baseSeesFix.every((r) => !r.pass)).toBe(true);
  });

  it('lyft-sidecar-startup-race: both fixes\' expectations fail on the classic base, and the base\'s on either fix', () => {
    const s = load('lyft-sidecar-startup-race.yaml');
    const runs = runAll(s);
    for (const fix of ['hold-application', 'native-sidecars']) {
      const fixSeesBase = evaluateExpectations(s, relabel(runs, 'base', fix)).filter((r) => r.variant === fix);
      expect(fixSeesBase.length).toBe(3);
      expect(fixSeesBase.every((r) => !r.pass)).toBe(true);
      const baseSeesFix = evaluateExpectations(s, relabel(runs, fix, 'base')).filter((r) => r.variant === 'base');
      expect(baseSeesFix.every((r) => !r.pass)).toBe(true);
    }
  });

  for (const [file, fixes] of [
    ['pagerduty-nested-retries.yaml', ['retry-budget', 'single-layer-retries']],
    ['metastable-retry-storm.yaml', ['jittered-backoff-budget', 'deadline-propagation']],
  ] as const) {
    it(`${file}: each fix's expectations fail on the base, and the base's on each fix`, () => {
      const s = load(file);
      const runs = runAll(s);
      for (const fix of fixes) {
        const fixSeesBase = evaluateExpectations(s, relabel(runs, 'base', fix)).filter((r) => r.variant === fix);
        expect(fixSeesBase.length).toBeGreaterThan(1);
        expect(fixSeesBase.filter((r) => r.pass)).toEqual([]);
        const baseSeesFix = evaluateExpectations(s, relabel(runs, fix, 'base')).filter((r) => r.variant === 'base');
        expect(baseSeesFix.filter((r) => r.pass)).toEqual([]);
      }
    });
  }
});

describe('expectations and sweeps', () => {
  it('a sweep over a scenario whose expectations name its variants validates, and every point keeps them', () => {
    const text = readFileSync('scenarios/rolling-deploy-503s.yaml', 'utf8');
    const plan = parseSweep(text, 'rolling.yaml', { grid: [{ path: 'services.api.replicas', values: [6, 8] }] });
    expect(plan.points).toHaveLength(2);
    for (const p of plan.points) expect(p.scenario.expect).toHaveLength(5);
  });
});
