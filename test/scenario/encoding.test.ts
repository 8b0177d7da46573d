import { describe, expect, it } from 'vitest';
import { ScenarioError, decodeScenarioBytes } from '../../sim/scenario/index.ts';
import { firstInvalidUtf8 } from '../../sim/scenario/encoding.ts';

function problem(bytes: number[]): string {
  try {
    decodeScenarioBytes(new Uint8Array(bytes), 'f.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

describe('scenario file encoding', () => {
  it('UTF-8 text decodes, and a UTF-8 byte-order mark is dropped', () => {
    expect(decodeScenarioBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...ascii('a: 1')]), 'f.yaml')).toBe('a: 1');
    expect(decodeScenarioBytes(new TextEncoder().encode('name: café 中 😀'), 'f.yaml')).toBe('name: café 中 😀');
  });

  it('a Latin-1 byte is reported at its line and column, counted in characters', () => {
    expect(problem([...ascii('a: 1\nn: caf'), 0xe9, ...ascii('\n')])).toBe('f.yaml:2:7: the file is not UTF-8 text: byte 0xE9 here is not valid UTF-8 (save the file as UTF-8)');
  });

  it('UTF-16 and UTF-32 files are named as such', () => {
    expect(problem([0xff, 0xfe, 0x61, 0x00])).toBe('f.yaml:1:1: the file is UTF-16 text; save it as UTF-8');
    expect(problem([0xfe, 0xff, 0x00, 0x61])).toBe('f.yaml:1:1: the file is UTF-16 text; save it as UTF-8');
    expect(problem([0xff, 0xfe, 0x00, 0x00])).toBe('f.yaml:1:1: the file is UTF-32 text; save it as UTF-8');
  });

  it('finds the first byte of every malformed sequence (RFC 3629): overlongs, surrogates, beyond U+10FFFF, truncations', () => {
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xc0, 0x80]))).toBe(1); // overlong NUL
    expect(firstInvalidUtf8(new Uint8Array([0xe0, 0x80, 0x80]))).toBe(0); // overlong
    expect(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0); // U+D800, a surrogate
    expect(firstInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // above U+10FFFF
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0x62, 0xe4, 0xb8]))).toBe(2); // truncated at the end
    expect(firstInvalidUtf8(new Uint8Array([0x80]))).toBe(0); // a lone continuation byte
    expect(firstInvalidUtf8(new TextEncoder().encode('ok é 中 😀 \u{10FFFF}'))).toBe(-1);
  });

  it('agrees with the platform decoder on every two-byte sequence', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b += 3) {
        const bytes = new Uint8Array([a, b]);
        let valid = true;
        try {
          strict.decode(bytes);
        } catch {
          valid = false;
        }
        expect(firstInvalidUtf8(bytes) < 0, `${a.toString(16)} ${b.toString(16)}`).toBe(valid);
      }
    }
  });
});
