import fc from 'fast-check';
import { validScenarioArb } from './test/fuzz/arbitraries/scenario.ts';
import { parseScenario } from './sim/scenario/index.ts';
import { runScenario } from './sim/run/index.ts';
let bad = 0; const t0 = Date.now(); let runs = 0; let stopped = 0;
for (const g of fc.sample(validScenarioArb, { numRuns: 300, seed: 1 })) {
  try { const s = parseScenario(g.yaml, 'gen.yaml');
    for (const v of ['base', ...s.variants.map((x) => x.name)]) { try { runScenario(s, { variant: v }); runs++; } catch (e) { stopped++; if (stopped < 4) console.log('STOP', (e as Error).message.slice(0, 200)); } }
  } catch (e) { bad++; if (bad < 6) console.log((e as Error).message.slice(0, 300), '\n---\n', g.yaml.slice(0, 600)); }
}
console.log('rejected', bad, 'runs', runs, 'stopped', stopped, 'ms', Date.now() - t0);
