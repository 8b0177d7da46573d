/**
 * Scenario files are UTF-8 (YAML 1.2 §5.2 allows UTF-16 and UTF-32 too, but every editor and
 * Kubernetes tool writes UTF-8). Decoding used to replace bad bytes with U+FFFD silently, which
 * then surfaced as a baffling "unknown key" or a name with a strange character in it; now the
 * first bad byte is reported where it is. Platform-neutral: the playground decodes the same way.
 */
import { ScenarioError, type ScenarioProblem } from './errors.ts';

const UTF16_BOMS: [number[], string][] = [
  [[0x00, 0x00, 0xfe, 0xff], 'UTF-32'],
  [[0xff, 0xfe, 0x00, 0x00], 'UTF-32'],
  [[0xfe, 0xff], 'UTF-16'],
  [[0xff, 0xfe], 'UTF-16'],
];

/** The text of a scenario file, or a ScenarioError naming the first byte that is not UTF-8. */
export function decodeScenarioBytes(bytes: Uint8Array, file: string): string {
  for (const [bom, name] of UTF16_BOMS) {
    if (bom.every((b, i) => bytes[i] === b)) throw new ScenarioError(file, [{ path: '', line: 1, column: 1, message: `the file is ${name} text; save it as UTF-8` }]);
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return new TextDecoder('utf-8').decode(bytes); // drops a UTF-8 byte-order mark
  throw new ScenarioError(file, [invalidByte(bytes, bad)]);
}

function invalidByte(bytes: Uint8Array, at: number): ScenarioProblem {
  let lineStart = 0;
  let line = 1;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  // Columns count characters, as editors do: decode the valid start of the line.
  const column = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, at)).length + 1;
  const hex = bytes[at]!.toString(16).toUpperCase().padStart(2, '0');
  return { path: '', line, column, message: `the file is not UTF-8 text: byte 0x${hex} here is not valid UTF-8 (save the file as UTF-8)` };
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence, or -1 (RFC 3629 §4). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    let max = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c === 0xe0) [n, min] = [2, 0xa0];
    else if (c === 0xed) [n, min, max] = [2, 0x80, 0x9f]; // no UTF-16 surrogates
    else if (c >= 0xe1 && c <= 0xef) [n, min] = [2, 0x80];
    else if (c === 0xf0) [n, min] = [3, 0x90];
    else if (c >= 0xf1 && c <= 0xf3) [n, min] = [3, 0x80];
    else if (c === 0xf4) [n, min, max] = [3, 0x80, 0x8f]; // nothing above U+10FFFF
    else return i;
    // A broken sequence is reported at its first byte: a Latin-1 'é' (0xE9) followed by ASCII
    // is the 0xE9, not the letter after it.
    const second = b[i + 1];
    if (second === undefined || second < min || second > max) return i;
    for (let k = 2; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || x < 0x80 || x > 0xbf) return i;
    }
    i += n + 1;
  }
  return -1;
}
