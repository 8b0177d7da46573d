import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { textBatches } from '../run/text-batches.ts';

// The documents themselves are pure (the playground writes the same files): sim/run/documents.ts.
export { MESHSIM_VERSION, conntrackCsv, conntrackCsvLines, summaryDocument, timeSeriesCsv, timeSeriesCsvLines } from '../run/documents.ts';

/**
 * Writes each file to a temporary name in `dir`, then renames them all: no file is ever
 * half-written, and if any write fails (disk full) the temporary files are removed and none of
 * the set is renamed, rather than leaving a new summary.json next to an old timeseries.csv. A
 * file given as pieces (an iterable of strings) is written as they come, so it may be longer
 * than the longest string V8 allows.
 */
export function writeFilesAtomically(dir: string, files: Record<string, string | Iterable<string>>): string[] {
  mkdirSync(dir, { recursive: true });
  const staged = Object.entries(files).map(([name, content]) => ({ content, target: join(dir, name), tmp: join(dir, `.${name}.${process.pid}.tmp`) }));
  try {
    for (const f of staged) {
      if (typeof f.content === 'string') writeFileSync(f.tmp, f.content);
      else writePieces(f.tmp, f.content);
    }
  } catch (e) {
    for (const f of staged) rmSync(f.tmp, { force: true });
    throw e;
  }
  for (const f of staged) renameSync(f.tmp, f.target);
  return staged.map((f) => f.target);
}

function writePieces(path: string, pieces: Iterable<string>): void {
  const fd = openSync(path, 'w');
  try {
    for (const batch of textBatches(pieces)) writeSync(fd, batch);
  } finally {
    closeSync(fd);
  }
}

/** Streams lines to `file` through a temporary file; `commit` renames it into place, `abort` removes it. */
export class AtomicLineWriter {
  private readonly fd: number;
  private readonly tmp: string;
  private readonly target: string;
  private buffer: string[] = [];
  private size = 0;
  private closed = false;
  /** Bytes and lines written so far (counted as UTF-16 code units: the lines are ASCII JSON). */
  bytes = 0;
  lines = 0;

  constructor(file: string) {
    this.target = file;
    // Refuse a directory now: otherwise the rename fails only after the whole run.
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error(`${file} is a directory`), { code: 'EISDIR' });
    mkdirSync(dirname(file) || '.', { recursive: true });
    this.tmp = join(dirname(file) || '.', `.${basename(file)}.${process.pid}.tmp`);
    this.fd = openSync(this.tmp, 'w');
  }

  line(text: string): void {
    this.buffer.push(text);
    this.size += text.length + 1;
    this.bytes += text.length + 1;
    this.lines++;
    if (this.size > 1 << 16) this.flush();
  }

  commit(): void {
    this.flush();
    this.close();
    renameSync(this.tmp, this.target);
  }

  /** Removes the temporary file; safe after a failed commit (closing twice threw EBADF and left it behind). */
  abort(): void {
    this.close();
    rmSync(this.tmp, { force: true });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join('\n') + '\n');
    this.buffer = [];
    this.size = 0;
  }
}
