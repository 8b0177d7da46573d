import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mergeSweepPartials, type SweepPartial, type SweepRunRecord } from '../run/index.ts';
import { CliError } from './errors.ts';
import { checkReportPath } from './report-file.ts';
import { MESHSIM_VERSION } from './outputs.ts';
import { emitSweep } from './sweep-command.ts';
import { PARTIAL_FILE } from './sweep-outputs.ts';

export interface MergeArgs {
  inputs: string[];
  out?: string | undefined;
  report?: string | undefined;
  json: boolean;
}

/** `meshsim merge DIR...`: the shards' partial results, merged into the whole sweep's result. */
export function mergeCommand(args: MergeArgs, stdout: (s: string) => void, stderr: (s: string) => void): void {
  if (args.report) checkReportPath(args.report);
  const files = args.inputs.flatMap(partialFilesIn);
  const partials = files.map((file) => ({ name: file, partial: readPartial(file) }));
  // Math.exp and Math.log are only specified approximately: bit-identity holds per Node.js version.
  const nodes = [...new Set(partials.map((p) => (p.partial as SweepPartial & { node?: string }).node ?? 'unknown'))];
  if (nodes.length > 1) stderr(`meshsim: warning: the shards ran on different Node.js versions (${nodes.join(', ')}); results are bit-identical only on one version\n`);
  emitSweep(mergeSweepPartials(partials), { out: args.out, report: args.report, json: args.json }, stdout, stderr);
}

/** A directory's shard-I-of-N.json files (sorted by name), or the file itself. */
function partialFilesIn(input: string): string[] {
  const stat = statSync(input, { throwIfNoEntry: false });
  if (!stat) throw new CliError(`cannot read ${input}: no such file or directory`);
  if (!stat.isDirectory()) return [input];
  const names = readdirSync(input).filter((n) => PARTIAL_FILE.test(n)).sort();
  if (names.length === 0) throw new CliError(`${input} holds no partial results (shard-I-of-N.json files written by meshsim sweep --shard)`);
  return names.map((n) => join(input, n));
}

function readPartial(file: string): SweepPartial {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${e instanceof SyntaxError ? 'not JSON' : String((e as Error).message)}`);
  }
  const d = doc as Partial<SweepPartial> & { meshsim?: string };
  if (d?.kind !== 'meshsim-sweep-partial' || !d.header || !d.shard || !Array.isArray(d.runs)) {
    throw new CliError(`${file} is not a partial sweep result (written by meshsim sweep --shard)`);
  }
  const bad = d.runs.findIndex((r) => !isRunRecord(r));
  if (bad >= 0) throw new CliError(`${file}: runs.${bad} is not a run record (index, point, variant, seed, summary); the file is damaged`);
  if (d.meshsim !== MESHSIM_VERSION) throw new CliError(`${file} was written by meshsim ${d.meshsim}; this is ${MESHSIM_VERSION}, whose results may differ`);
  return d as SweepPartial;
}

function isRunRecord(r: unknown): boolean {
  const x = r as Partial<SweepRunRecord> | null;
  return (
    typeof x === 'object' && x !== null && Number.isInteger(x.index) && Number.isInteger(x.point) && typeof x.variant === 'string' &&
    Number.isInteger(x.seed) && typeof x.summary === 'object' && x.summary !== null && typeof x.summary.digest === 'string' &&
    Array.isArray(x.summary.services) && Array.isArray(x.summary.workloads)
  );
}
