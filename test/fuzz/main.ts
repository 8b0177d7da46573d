/**
 * `npm run fuzz -- [--runs N] [--seed S] [--property NAME]`: the scenario fuzzer's properties,
 * for as long as asked. Each property gets N cases from seed S (default: a new seed, printed).
 * A failure prints the shrunk counterexample (as the file's text, and its bytes when it is not
 * UTF-8), the seed and the path that replay it, and exits 1. `--help` prints the flags and the
 * properties; a flag or property it does not know exits 2 (args.ts).
 */
import fc from 'fast-check';
import { failureHeader, parseFuzzArgs } from './args.ts';
import { cleanUpCases, exitCounts } from './outcome.ts';
import { properties } from './properties.ts';

const args = parseFuzzArgs(process.argv.slice(2), Object.keys(properties));
if (args.kind === 'help') {
  process.stdout.write(args.text);
  process.exit(0);
}
if (args.kind === 'error') {
  process.stderr.write(`npm run fuzz: ${args.message}\n(npm run fuzz -- --help for the flags and the properties)\n`);
  process.exit(2);
}
const runs = args.runs;
// The seed of a long run is chosen fresh (and printed) so each run explores new cases.
const seed = args.seed ?? (Date.now() ^ (process.pid << 16)) >>> 0;

let failed = false;
for (const name of args.properties) {
  const property = properties[name]!;
  exitCounts.clear();
  const started = process.hrtime.bigint();
  const result = await fc.check(property, { seed, numRuns: runs });
  const s = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(1);
  if (!result.failed) {
    const exits = [...exitCounts].sort((a, b) => a[0] - b[0]).map(([c, n]) => `exit ${c}: ${n}`).join(', ');
    process.stdout.write(`ok    ${name}: ${result.numRuns} cases in ${s}s (seed ${seed}; ${exits})\n`);
    continue;
  }
  failed = true;
  process.stdout.write(failureHeader(name, result.seed, result.counterexamplePath, result.numShrinks, runs));
  for (const value of result.counterexample ?? []) process.stdout.write(describeCase(value));
  process.stdout.write(`  failure: ${String(result.errorInstance instanceof Error ? result.errorInstance.message : result.errorInstance).replace(/\n/g, '\n    ')}\n`);
}
cleanUpCases();
process.exit(failed ? 1 : 0);

/** The counterexample as a file: its text, and its bytes in hex when it is not valid UTF-8. */
function describeCase(value: unknown): string {
  if (value instanceof Uint8Array) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(value);
    } catch {
      return `  counterexample (${value.length} bytes, not UTF-8):\n    ${Buffer.from(value).toString('hex')}\n    as Latin-1:\n${indent(Buffer.from(value).toString('latin1'))}\n`;
    }
    return `  counterexample (${value.length} bytes):\n${indent(text)}\n`;
  }
  return `  counterexample: ${JSON.stringify(value)}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    | ${JSON.stringify(l).slice(1, -1)}`)
    .join('\n');
}
