import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { conntrackCsv, conntrackCsvLines, timeSeriesCsv, timeSeriesCsvLines, writeFilesAtomically } from '../../sim/cli/outputs.ts';
import { runScenario } from '../../sim/run/index.ts';
import { scenarioFrom } from '../helpers/scenario.ts';
import { SMALL_CONNTRACK_YAML } from '../helpers/small-conntrack.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'meshsim-outputs-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('files written as pieces (a long run can outgrow the longest string V8 allows)', () => {
  it('are the same bytes as the documents joined: timeseries.csv and conntrack.csv', () => {
    const runs = ['base', 'bigger-tables'].map((variant) => runScenario(scenarioFrom(SMALL_CONNTRACK_YAML), { variant }));
    const dir = tempDir();
    writeFilesAtomically(dir, { 'timeseries.csv': timeSeriesCsvLines(runs), 'conntrack.csv': conntrackCsvLines(runs)! });
    expect(readFileSync(join(dir, 'timeseries.csv'), 'utf8')).toBe(timeSeriesCsv(runs));
    expect(readFileSync(join(dir, 'conntrack.csv'), 'utf8')).toBe(conntrackCsv(runs));
    expect(readdirSync(dir).sort()).toEqual(['conntrack.csv', 'timeseries.csv']);
  });

  it('are written across the write buffer in order (3 MB of pieces)', () => {
    const pieces = Array.from({ length: 300_000 }, (_, k) => `${String(k).padStart(9, '0')}\n`);
    const dir = tempDir();
    writeFilesAtomically(dir, { 'big.txt': pieces });
    expect(readFileSync(join(dir, 'big.txt'), 'utf8')).toBe(pieces.join(''));
  });

  it('leave nothing behind when the pieces fail midway: no file of the set, no temporary file', () => {
    function* failing(): Generator<string> {
      yield 'a\n'.repeat(1 << 20);
      throw new Error('out of pieces');
    }
    const dir = tempDir();
    expect(() => writeFilesAtomically(dir, { 'summary.json': '{}\n', 'timeseries.csv': failing() })).toThrow('out of pieces');
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(dir, 'summary.json'))).toBe(false);
  });
});
