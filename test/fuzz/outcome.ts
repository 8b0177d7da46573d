/**
 * One fuzz case through the CLI's own code path, in process (spawning Node per case would cost
 * a second each): the file is read and decoded by readScenario, run by runCommand with --out
 * and --access-log, and any error reported by reportError, which gives the exit code. So a
 * case sees exactly what `meshsim run FILE --out DIR --access-log FILE` prints and writes.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportError } from '../../sim/cli/errors.ts';
import { runCommand } from '../../sim/cli/run-command.ts';
import type { RunSummary } from '../../sim/run/index.ts';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  /** Files written under --out (its directory need not exist beforehand), or null if it does not exist. */
  outFiles: string[] | null;
  /** summary.json's runs, when it was written. */
  runs: RunSummary[] | null;
  /** The access log's lines, or null if there is none. */
  accessLog: string[] | null;
  /** The file name the case was given (messages name it). */
  file: string;
}

/** Cases per exit code since the last reset, for `npm run fuzz`'s report of what it exercised. */
export const exitCounts = new Map<number, number>();

let root: string | undefined;
let counter = 0;

/** Runs `bytes` as a scenario file; cleans up after itself. */
export async function runCase(bytes: Uint8Array): Promise<Outcome> {
  root ??= mkdtempSync(join(tmpdir(), 'meshsim-fuzz-'));
  const dir = join(root, String(counter++));
  mkdirSync(dir);
  const file = join(dir, 'case.yaml');
  writeFileSync(file, bytes);
  const out = join(dir, 'out');
  const log = join(dir, 'access.log');
  let stdout = '';
  let stderr = '';
  let code = 0;
  try {
    await runCommand({ file, seeds: 1, out, accessLog: log, json: true, variants: true }, (s) => (stdout += s), (s) => (stderr += s));
  } catch (e) {
    code = reportError(e, (s) => (stderr += s));
  }
  exitCounts.set(code, (exitCounts.get(code) ?? 0) + 1);
  const outFiles = existsSync(out) ? readdirSync(out).sort() : null;
  const summaryFile = join(out, 'summary.json');
  const runs = existsSync(summaryFile) ? (JSON.parse(readFileSync(summaryFile, 'utf8')) as { runs: RunSummary[] }).runs : null;
  const accessLog = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') : null;
  rmSync(dir, { recursive: true, force: true });
  return { code, stdout, stderr, outFiles, runs, accessLog, file };
}

/** Removes the cases' temporary directory. */
export function cleanUpCases(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
}
