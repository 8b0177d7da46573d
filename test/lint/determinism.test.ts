import { describe, expect, it } from 'vitest';
import { sourceFiles, stripComments } from './source-files.ts';

/** Wall-clock time, global randomness and timers break "same seed, same result" (ARCHITECTURE.md). */
const BANNED = /\b(Math\.random|Date\.now|performance\.now|setTimeout|setInterval|setImmediate|process\.hrtime|crypto\.\w+)\b/;
const PURE_LAYERS = ['sim/engine', 'sim/mesh', 'sim/run', 'sim/metrics', 'sim/scenario', 'sim/report'];

describe('determinism source scan', () => {
  it('the scan pattern catches what it must', () => {
    for (const bad of ['x = Math.random()', 'Date.now()', 'performance.now()', 'setTimeout(f, 1)', 'setInterval(f)', 'crypto.randomUUID()']) {
      expect(BANNED.test(stripComments(bad)), bad).toBe(true);
    }
    expect(BANNED.test(stripComments('// Date.now is banned here'))).toBe(false);
  });

  it.each(PURE_LAYERS)('%s uses no wall clock, global randomness or timers', (layer) => {
    const files = sourceFiles(layer);
    expect(files.length).toBeGreaterThan(0);
    const hits = files.flatMap((f) =>
      stripComments(f.text)
        .split('\n')
        .map((line, i) => ({ line, i }))
        .filter(({ line }) => BANNED.test(line))
        .map(({ line, i }) => `${f.path}:${i + 1}: ${line.trim()}`),
    );
    expect(hits).toEqual([]);
  });
});
