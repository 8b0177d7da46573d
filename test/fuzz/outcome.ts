/**
 * One fuzz case through the CLI's own code path, in process (spawning Node per case would cost
 * a second each): the file is read and decoded by readScenario, run by runCommand with --out
 * and --access-log (and --check-invariants), and any error reported by reportError, which gives
 * the exit code. So a case sees exactly what `meshsim run FILE --out DIR --access-log FILE
 * --check-invariants` prints and writes.
 */
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
  /** What the checks need of the access log, or null if there is none. */
  accessLog: AccessLogTally | null;
  /** The file name the case was given (messages name it). */
  file: string;
}

/**
 * The access log counted, not kept: a valid run may write up to limits.maxAccessLogMb (1 GiB by
 * default), more than one string can hold (0x1fffffe8 chars) and more than a case should keep.
 */
export interface AccessLogTally {
  /** Non-empty lines: one per attempt. */
  lines: number;
  /** Lines of requests still in flight when the run ended. */
  inFlightAtEnd: number;
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
    await runCommand({ file, seeds: 1, out, accessLog: log, json: true, variants: true, checkInvariants: true }, (s) => (stdout += s), (s) => (stderr += s));
  } catch (e) {
    code = reportError(e, (s) => (stderr += s));
  }
  exitCounts.set(code, (exitCounts.get(code) ?? 0) + 1);
  const outFiles = existsSync(out) ? readdirSync(out).sort() : null;
  const summaryFile = join(out, 'summary.json');
  const runs = existsSync(summaryFile) ? (JSON.parse(readFileSync(summaryFile, 'utf8')) as { runs: RunSummary[] }).runs : null;
  const accessLog = existsSync(log) ? tallyAccessLog(log) : null;
  rmSync(dir, { recursive: true, force: true });
  return { code, stdout, stderr, outFiles, runs, accessLog, file };
}

const IN_FLIGHT_MARK = Buffer.from('"in_flight_at_end":true');

/**
 * Counts the log's lines a chunk at a time, as bytes (the lines are ASCII JSON); a line cut by
 * the chunk's end is carried into the next chunk. `chunkBytes` is a parameter so a test can cut
 * lines anywhere.
 */
export function tallyAccessLog(file: string, chunkBytes = 1 << 20): AccessLogTally {
  const tally: AccessLogTally = { lines: 0, inFlightAtEnd: 0 };
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(chunkBytes);
    let carry = Buffer.alloc(0);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunkBytes, null);
      if (n === 0) break;
      const buf = Buffer.concat([carry, chunk.subarray(0, n)]);
      const end = buf.lastIndexOf(0x0a) + 1;
      countLines(buf.subarray(0, end), tally);
      carry = buf.subarray(end);
    }
    countLines(carry, tally); // a last line without its newline
  } finally {
    closeSync(fd);
  }
  return tally;
}

/** Adds the non-empty lines of `buf` (whole lines, the last one maybe unterminated) to `tally`. */
function countLines(buf: Buffer, tally: AccessLogTally): void {
  let start = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    const end = nl < 0 ? buf.length : nl;
    if (end > start) {
      tally.lines++;
      if (buf.subarray(start, end).includes(IN_FLIGHT_MARK)) tally.inFlightAtEnd++;
    }
    start = end + 1;
  }
}

/** Removes the cases' temporary directory. */
export function cleanUpCases(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
}
