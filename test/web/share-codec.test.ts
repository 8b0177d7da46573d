import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeShare, encodeShare, fromBase64Url, isShareFragment, ShareLinkError, toBase64Url, type SharedRun } from '../../web/src/share-codec.ts';

const quickstart = readFileSync(new URL('../../scenarios/quickstart.yaml', import.meta.url), 'utf8');

describe('share link codec', () => {
  it('a share link decodes to exactly the run it encodes (any text, seed and variants)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ file: fc.string(), yaml: fc.string({ unit: 'grapheme' }), seed: fc.nat(), variants: fc.array(fc.string()) }),
        async (run: SharedRun) => {
          const fragment = await encodeShare(run);
          expect(fragment).toMatch(/^run=v1\.[A-Za-z0-9_-]*$/);
          expect(await decodeShare(`#${fragment}`)).toEqual(run);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('compresses: the quickstart scenario takes under two thirds of its size in the link', async () => {
    const fragment = await encodeShare({ file: 'scenarios/quickstart.yaml', yaml: quickstart, seed: 42, variants: ['more-catalog-pods'] });
    // Measured: 1,642 characters for 2,821 bytes of YAML (deflate, then base64's 4/3).
    expect(fragment.length).toBeLessThan((quickstart.length * 2) / 3);
  });

  it('base64url round-trips every byte string', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    }));
  });

  it('a damaged or foreign fragment is a ShareLinkError saying what is wrong', async () => {
    const good = await encodeShare({ file: 'a.yaml', yaml: 'duration: 1s', seed: 1, variants: [] });
    await expect(decodeShare('#section-2')).rejects.toThrow(new ShareLinkError('not a meshsim share link (expected #run=v1.…)'));
    await expect(decodeShare(good.slice(0, good.length - 6))).rejects.toThrow(/damaged/);
    await expect(decodeShare('run=v1.%%%')).rejects.toThrow(/characters base64url does not use/);
    expect(isShareFragment(`#${good}`)).toBe(true);
    expect(isShareFragment('#top')).toBe(false);
  });

  it('a link whose JSON is not a run is refused', async () => {
    const bytes = new Uint8Array(await new Response(new Blob(['{"f":1}']).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
    await expect(decodeShare(`run=v1.${toBase64Url(bytes)}`)).rejects.toThrow(/not a scenario, seed and variants/);
  });
});
