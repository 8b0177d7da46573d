import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { INTERVAL_COLUMNS } from '../metrics/index.ts';
import type { MergedVariant, RunResult } from '../run/index.ts';
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

/** Writes each file to a temporary name in `dir`, then renames it: no file is ever half-written. */
export function writeFilesAtomically(dir: string, files: Record<string, string>): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const target = join(dir, name);
    const tmp = join(dir, `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, content);
    renameSync(tmp, target);
    written.push(target);
  }
  return written;
}

/** Streams lines to `file` through a temporary file; `commit` renames it into place, `abort` removes it. */
export class AtomicLineWriter {
  private readonly fd: number;
  private readonly tmp: string;
  private readonly target: string;
  private buffer: string[] = [];
  private size = 0;

  constructor(file: string) {
    this.target = file;
    mkdirSync(dirname(file) || '.', { recursive: true });
    this.tmp = join(dirname(file) || '.', `.${basename(file)}.${process.pid}.tmp`);
    this.fd = openSync(this.tmp, 'w');
  }

  line(text: string): void {
    this.buffer.push(text);
    this.size += text.length + 1;
    if (this.size > 1 << 16) this.flush();
  }

  commit(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(this.tmp, this.target);
  }

  abort(): void {
    closeSync(this.fd);
    rmSync(this.tmp, { force: true });
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join('\n') + '\n');
    this.buffer = [];
    this.size = 0;
  }
}
