/**
 * Lines joined into strings of about `maxChars` each: Blob parts for a download whose whole
 * text could be longer than the longest string V8 allows (about 2^29 characters), without a
 * part per line (millions of tiny parts). Concatenated, the batches are exactly the lines.
 */
export function batches(lines: Iterable<string>, maxChars = 1 << 20): string[] {
  const out: string[] = [];
  let pending: string[] = [];
  let size = 0;
  for (const line of lines) {
    pending.push(line);
    size += line.length;
    if (size >= maxChars) {
      out.push(pending.join(''));
      pending = [];
      size = 0;
    }
  }
  if (pending.length > 0) out.push(pending.join(''));
  return out;
}
