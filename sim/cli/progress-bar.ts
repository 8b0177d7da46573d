/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (never in CI logs,
 * pipes or files), and at most 10 times a second.
 */
export class ProgressBar {
  private readonly stream: NodeJS.WriteStream;
  private readonly total: number;
  private readonly enabled: boolean;
  private lastDraw = 0;
  private drawn = false;

  constructor(stream: NodeJS.WriteStream, total: number) {
    this.stream = stream;
    this.total = total;
    this.enabled = Boolean(stream.isTTY) && !process.env.CI;
  }

  /** `done` runs finished; `units` progress in runs, partial runs included (0..total). */
  update(done: number, units: number): void {
    if (!this.enabled) return;
    const now = Number(process.hrtime.bigint() / 1_000_000n);
    if (now - this.lastDraw < 100 && units < this.total) return;
    this.lastDraw = now;
    const width = 30;
    const f = Math.max(0, Math.min(1, units / this.total));
    const filled = Math.round(f * width);
    const runs = this.total === 1 ? '' : ` ${done}/${this.total} runs`;
    this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}%${runs} `);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
