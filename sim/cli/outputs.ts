import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { INTERVAL_COLUMNS } from '../metrics/index.ts';
import { evaluateExpectations, type MergedVariant, type RunResult } from '../run/index.ts';
import type { Scenario } from '../scenario/index.ts';

export const MESHSIM_VERSION = '0.1.0';

/** The JSON document of `--json` and `summary.json`. */
export function summaryDocument(scenario: Scenario, runs: RunResult[], merged: MergedVariant[] | undefined): object {
  return {
    meshsim: MESHSIM_VERSION,
    scenario: scenario.name,
    file: scenario.file,
    seeds: [...new Set(runs.map((r) => r.summary.seed))],
    variants: [...new Set(runs.map((r) => r.summary.variant))],
    runs: runs.map((r) => r.summary),
    ...(merged && { merged }),
    ...(scenario.expect.length > 0 && { expectations: evaluateExpectations(scenario, runs) }),
  };
}

/**
 * One row per (variant, seed, series, interval). Latencies in ms; empty cells where nothing
 * ended. Code and flag columns are the union over all runs.
 */
export function timeSeriesCsv(runs: RunResult[]): string {
  const codes = [...new Set(runs.flatMap((r) => Object.keys(r.timeSeries.codes)))].sort((a, b) => Number(a) - Number(b));
  const flags = [...new Set(runs.flatMap((r) => Object.keys(r.timeSeries.flags)))];
  const header = ['variant', 'seed', 'series', 'kind', 'interval_start_s', ...INTERVAL_COLUMNS.map(snake), ...codes.map((c) => `code_${c}`), ...flags.map((f) => `flag_${f}`)];
  const lines = [header.join(',')];
  for (const r of runs) {
    const ts = r.timeSeries;
    ts.series.forEach((series, s) => {
      for (let i = 0; i < ts.intervals; i++) {
        const cell = s * ts.intervals + i;
        const values = [
          ...INTERVAL_COLUMNS.map((c) => num(ts.columns[c][cell]!)),
          ...codes.map((c) => num(ts.codes[c]?.[cell] ?? 0)),
          ...flags.map((f) => num(ts.flags[f]?.[cell] ?? 0)),
        ];
        lines.push([r.summary.variant, r.summary.seed, series.name, series.kind, (i * ts.intervalNs) / 1e9, ...values].join(','));
      }
    });
  }
  return lines.join('\n') + '\n';
}

function snake(s: string): string {
  return s.replace(/Ms$/, '_ms').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function num(x: number): string {
  if (!Number.isFinite(x)) return '';
  return Number.isInteger(x) ? String(x) : x.toPrecision(6);
}

/**
 * Writes each file to a temporary name in `dir`, then renames them all: no file is ever
 * half-written, and if any write fails (disk full) the temporary files are removed and none of
 * the set is renamed, rather than leaving a new summary.json next to an old timeseries.csv.
 */
export function writeFilesAtomically(dir: string, files: Record<string, string>): string[] {
  mkdirSync(dir, { recursive: true });
  const staged = Object.entries(files).map(([name, content]) => ({ content, target: join(dir, name), tmp: join(dir, `.${name}.${process.pid}.tmp`) }));
  try {
    for (const f of staged) writeFileSync(f.tmp, f.content);
  } catch (e) {
    for (const f of staged) rmSync(f.tmp, { force: true });
    throw e;
  }
  for (const f of staged) renameSync(f.tmp, f.target);
  return staged.map((f) => f.target);
}

/** Streams lines to `file` through a temporary file; `commit` renames it into place, `abort` removes it. */
export class AtomicLineWriter {
  private readonly fd: number;
  private readonly tmp: string;
  private readonly target: string;
  private buffer: string[] = [];
  private size = 0;
  private closed = false;
  /** Bytes and lines written so far (counted as UTF-16 code units: the lines are ASCII JSON). */
  bytes = 0;
  lines = 0;

  constructor(file: string) {
    this.target = file;
    // Refuse a directory now: otherwise the rename fails only after the whole run.
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error(`${file} is a directory`), { code: 'EISDIR' });
    mkdirSync(dirname(file) || '.', { recursive: true });
    this.tmp = join(dirname(file) || '.', `.${basename(file)}.${process.pid}.tmp`);
    this.fd = openSync(this.tmp, 'w');
  }

  line(text: string): void {
    this.buffer.push(text);
    this.size += text.length + 1;
    this.bytes += text.length + 1;
    this.lines++;
    if (this.size > 1 << 16) this.flush();
  }

  commit(): void {
    this.flush();
    this.close();
    renameSync(this.tmp, this.target);
  }

  /** Removes the temporary file; safe after a failed commit (closing twice threw EBADF and left it behind). */
  abort(): void {
    this.close();
    rmSync(this.tmp, { force: true });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join('\n') + '\n');
    this.buffer = [];
    this.size = 0;
  }
}
