/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (never in CI logs,
 * pipes or files), and at most 10 times a second. With `logLines` (a sweep's shard in a batch
 * job, whose log is a file), a non-terminal stderr gets a line at every tenth of the runs instead.
 */
export class ProgressBar {
  private readonly stream: NodeJS.WriteStream;
  private readonly total: number;
  private readonly enabled: boolean;
  private readonly logLines: boolean;
  private lastDraw = 0;
  private loggedTenths = 0;
  private readonly startMs = nowMs();
  private drawn = false;

  constructor(stream: NodeJS.WriteStream, total: number, options: { logLines?: boolean } = {}) {
    this.stream = stream;
    this.total = total;
    this.enabled = Boolean(stream.isTTY) && !process.env.CI;
    this.logLines = Boolean(options.logLines) && !stream.isTTY && !process.env.CI && total > 1;
  }

  /** `done` runs finished; `units` progress in runs, partial runs included (0..total). */
  update(done: number, units: number): void {
    if (this.logLines) this.logLine(done);
    if (!this.enabled) return;
    const now = nowMs();
    if (now - this.lastDraw < 100 && units < this.total) return;
    this.lastDraw = now;
    const width = 30;
    const f = Math.max(0, Math.min(1, units / this.total));
    const filled = Math.round(f * width);
    const runs = this.total === 1 ? '' : ` ${done}/${this.total} runs`;
    const eta = etaText(now - this.startMs, f);
    this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}%${runs}${eta} \x1b[K`);
    this.drawn = true;
  }

  private logLine(done: number): void {
    const tenths = Math.floor((done * 10) / this.total);
    if (tenths <= this.loggedTenths) return;
    this.loggedTenths = tenths;
    const eta = etaText(nowMs() - this.startMs, done / this.total);
    this.stream.write(`meshsim: ${done}/${this.total} runs done (${Math.round((done / this.total) * 100)}%)${eta}\n`);
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}

function nowMs(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}

/** " · ETA 1m05s" from the elapsed time and the fraction done, once there is enough to go on. */
export function etaText(elapsedMs: number, fraction: number): string {
  if (fraction <= 0.01 || fraction >= 1 || elapsedMs < 1000) return '';
  const leftS = Math.ceil((elapsedMs * (1 - fraction)) / fraction / 1000);
  const text = leftS >= 3600 ? `${Math.floor(leftS / 3600)}h${String(Math.floor((leftS % 3600) / 60)).padStart(2, '0')}m` : leftS >= 60 ? `${Math.floor(leftS / 60)}m${String(leftS % 60).padStart(2, '0')}s` : `${leftS}s`;
  return ` · ETA ${text}`;
}
