/** Writes an HTML report: reads the scripts it inlines (d3, meshsim's charts), renders, writes atomically. */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { REPORT_SCRIPTS, renderRunReport, renderSweepReport, type ReportAssets, type RunReportInput } from '../report/index.ts';
import type { SweepResult } from '../run/index.ts';
import { CliError, cannotWrite } from './errors.ts';
import { MESHSIM_VERSION, writeFilesAtomically } from './outputs.ts';

export type ReportRequest = { kind: 'run'; input: Omit<RunReportInput, 'version'> } | { kind: 'sweep'; result: SweepResult };

let assets: ReportAssets | undefined;

/** d3's UMD bundle (it defines the global `d3`) and the report's own scripts, read once. */
export function reportAssets(): ReportAssets {
  if (assets) return assets;
  const d3Entry = createRequire(import.meta.url).resolve('d3'); // .../d3/dist/d3.mjs (the package's export)
  const here = new URL('../report/', import.meta.url);
  assets = {
    d3: readFileSync(join(dirname(d3Entry), 'd3.min.js'), 'utf8'),
    scripts: REPORT_SCRIPTS.map((f) => readFileSync(new URL(f, here), 'utf8')),
  };
  return assets;
}

export function renderReport(request: ReportRequest): string {
  return request.kind === 'run'
    ? renderRunReport({ ...request.input, version: MESHSIM_VERSION }, reportAssets())
    : renderSweepReport(request.result, MESHSIM_VERSION, reportAssets());
}

/** Renders and writes the report to `path` (through a temporary file); returns the path. */
export function writeReport(path: string, request: ReportRequest): string {
  const html = renderReport(request);
  try {
    writeFilesAtomically(dirname(path) || '.', { [basename(path)]: html });
  } catch (e) {
    throw cannotWrite(path, e);
  }
  return path;
}

/** Refuses, before a long run, a report path that is a directory. */
export function checkReportPath(path: string): void {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new CliError(`cannot write ${path}: it is a directory`);
}
