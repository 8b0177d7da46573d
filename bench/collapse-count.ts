// Counts, per variant, the seeds on which a scenario collapses: the success rate of its first
// workload over a window [from, to) seconds stays below 50%. Not a test: it prints counts.
//   node --import tsx bench/collapse-count.ts scenarios/metastable-retry-storm.yaml [seeds=20] [from=50] [to=60]
import { readFileSync } from 'node:fs';
import { runScenario } from '../sim/run/index.ts';
import { parseScenario } from '../sim/scenario/index.ts';

const [file, seedsArg = '20', fromArg = '50', toArg = '60'] = process.argv.slice(2);
if (!file) throw new Error('usage: collapse-count.ts FILE [seeds] [fromS] [toS]');
const seeds = Number(seedsArg);
const scenario = parseScenario(readFileSync(file, 'utf8'), file);
for (const variant of ['base', ...scenario.variants.map((v) => v.name)]) {
  const rates: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const ts = runScenario(scenario, { variant, seed }).timeSeries;
    const s = ts.series.findIndex((x) => x.kind === 'workload');
    let ended = 0;
    let ok = 0;
    for (let i = Number(fromArg); i < Number(toArg); i++) {
      ended += ts.columns.ended[s * ts.intervals + i]!;
      ok += ts.columns.success[s * ts.intervals + i]!;
    }
    rates.push(ended > 0 ? ok / ended : 0);
  }
  const collapsed = rates.filter((r) => r < 0.5).length;
  console.log(`${variant}: collapsed on ${collapsed} of ${seeds} seeds (success ${fromArg}s-${toArg}s per seed: ${rates.map((r) => r.toFixed(2)).join(' ')})`);
}
