/**
 * The documents `meshsim run --out` writes, summary.json and timeseries.csv, as strings and
 * objects: pure, so the CLI and the browser playground produce the same bytes.
 */
import { INTERVAL_COLUMNS, NODE_SERIES, SERVICE_SERIES } from '../metrics/index.ts';
import { evaluateExpectations } from './expectations.ts';
import type { MergedVariant } from './merge.ts';
import type { RunResult } from './result.ts';
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
  return Array.from(timeSeriesCsvLines(runs)).join('');
}

/**
 * timeseries.csv line by line, each with its newline: the CLI streams these to disk, since a long
 * run's file can be longer than the longest string V8 allows (about 2^29 characters).
 */
export function* timeSeriesCsvLines(runs: RunResult[]): Generator<string> {
  const codes = [...new Set(runs.flatMap((r) => Object.keys(r.timeSeries.codes)))].sort((a, b) => Number(a) - Number(b));
  const flags = [...new Set(runs.flatMap((r) => Object.keys(r.timeSeries.flags)))];
  const header = ['variant', 'seed', 'series', 'kind', 'interval_start_s', ...INTERVAL_COLUMNS.map(snake), ...codes.map((c) => `code_${c}`), ...flags.map((f) => `flag_${f}`)];
  yield header.join(',') + '\n';
  for (const r of runs) {
    const ts = r.timeSeries;
    for (const [s, series] of ts.series.entries()) {
      for (let i = 0; i < ts.intervals; i++) {
        const cell = s * ts.intervals + i;
        const values = [
          ...INTERVAL_COLUMNS.map((c) => num(ts.columns[c][cell]!)),
          ...codes.map((c) => num(ts.codes[c]?.[cell] ?? 0)),
          ...flags.map((f) => num(ts.flags[f]?.[cell] ?? 0)),
        ];
        yield [r.summary.variant, r.summary.seed, series.name, series.kind, (i * ts.intervalNs) / 1e9, ...values].join(',') + '\n';
      }
    }
  }
}

function snake(s: string): string {
  return s.replace(/Ms$/, '_ms').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function num(x: number): string {
  if (!Number.isFinite(x)) return '';
  return Number.isInteger(x) ? String(x) : x.toPrecision(6);
}


/**
 * conntrack.csv: per run, node and interval, the node's host-netns table (entries at the end of
 * the interval, the peak within it, SYNs dropped, inserts, early drops, GC evictions and expiries in it,
 * entries by state at the end) and its pod netns tables (the highest and p99 peak); then per
 * upstream service, connects, connect failures and pooled connections open. A node row leaves
 * the service columns empty, and a service row the node columns. Only runs with connection
 * tracking have rows.
 */
export function conntrackCsv(runs: RunResult[]): string | undefined {
  const lines = conntrackCsvLines(runs);
  return lines && Array.from(lines).join('');
}

/** conntrack.csv line by line, each with its newline (streamed to disk as timeseries.csv is); undefined without connection tracking. */
export function conntrackCsvLines(runs: RunResult[]): Iterable<string> | undefined {
  const withSeries = runs.filter((r) => r.connectionSeries !== undefined);
  if (withSeries.length === 0) return undefined;
  return conntrackRows(withSeries);
}

function* conntrackRows(withSeries: RunResult[]): Generator<string> {
  const header = ['variant', 'seed', 'kind', 'name', 'interval_start_s', ...NODE_SERIES.map(snakeCase), ...SERVICE_SERIES.map(snakeCase)];
  yield header.join(',') + '\n';
  const noNode = NODE_SERIES.map(() => '');
  const noService = SERVICE_SERIES.map(() => '');
  for (const r of withSeries) {
    const cs = r.connectionSeries!;
    const iv = r.timeSeries.intervalNs / 1e9;
    const row = (kind: string, name: string, i: number, cells: readonly (number | string)[]) => [r.summary.variant, r.summary.seed, kind, name, i * iv, ...cells].join(',') + '\n';
    for (let n = 0; n < cs.nodes; n++) {
      for (let i = 0; i < cs.intervals; i++) yield row('node', `node-${n}`, i, [...NODE_SERIES.map((k) => cs.node[k][i * cs.nodes + n]!), ...noService]);
    }
    const m = cs.services.length;
    for (const [s, name] of cs.services.entries()) {
      for (let i = 0; i < cs.intervals; i++) yield row('service', name, i, [...noNode, ...SERVICE_SERIES.map((k) => cs.service[k][i * m + s]!)]);
    }
  }
}

/** peakEntries -> peak_entries: the CSV's column names. */
function snakeCase(name: string): string {
  return name.replace(/[A-Z0-9]+/g, (m) => `_${m.toLowerCase()}`);
}
