/**
 * Lines joined into strings of about `maxChars` each, as they come: how the CLI writes a CSV to
 * disk and the playground builds a download's Blob parts. A long run's file can be longer than
 * the longest string V8 allows (about 2^29 characters), and a write or a Blob part per line
 * would be millions of tiny ones. Concatenated, the batches are exactly the lines.
 */
export function* textBatches(lines: Iterable<string>, maxChars = 1 << 20): Generator<string> {
  let pending: string[] = [];
  let size = 0;
  for (const line of lines) {
    pending.push(line);
    size += line.length;
    if (size >= maxChars) {
      yield pending.join('');
      pending = [];
      size = 0;
    }
  }
  if (pending.length > 0) yield pending.join('');
}
