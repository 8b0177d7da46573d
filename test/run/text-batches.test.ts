import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textBatches } from '../../sim/run/text-batches.ts';

const batches = (lines: Iterable<string>, maxChars?: number) => [...textBatches(lines, maxChars)];

describe('text batches (CSV writes and downloads)', () => {
  it('joined, the batches are exactly the lines, each batch at most one line past the size', () => {
    const line = fc.string({ maxLength: 40 }).map((s) => `${s}\n`);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 200 }), fc.integer({ min: 1, max: 300 }), (lines, maxChars) => {
        const parts = batches(lines, maxChars);
        expect(parts.join('')).toBe(lines.join(''));
        for (const p of parts) expect(p.length).toBeLessThan(maxChars + 41);
      }),
    );
  });

  it('a million short lines (27 MB) make some 25 parts of about 1 MiB, not a million', () => {
    function* lines() {
      for (let i = 0; i < 1_000_000; i++) yield `base,1,web,service,${i},12\n`;
    }
    const parts = batches(lines());
    expect(parts.length).toBeGreaterThan(20);
    expect(parts.length).toBeLessThan(40);
  });
});
