/**
 * A progress bar on stderr for long CLI work: fraction done, events per second, and time left. On a terminal it
 * redraws one line; elsewhere (CI, pipes) it prints a line every few seconds and one at the end.
 */
export class ProgressBar {
  private lastPrinted = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly unit = 'events',
  ) {}

  /** `done` of `total` (positions), `count` items handled so far (the rate). */
  update(done: number, total: number, elapsedMs: number, count = done): void {
    const now = Date.now();
    if (!this.tty && now - this.lastPrinted < 2000 && done < total) return;
    this.lastPrinted = now;
    const fraction = total === 0 ? 1 : Math.min(1, done / total);
    const rate = elapsedMs > 0 ? (count / elapsedMs) * 1000 : 0;
    const eta = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
    const width = 30;
    const filled = Math.round(fraction * width);
    const line = `${this.label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${this.unit}  ${Math.round(rate).toLocaleString('en')}/s  ETA ${formatSeconds(eta)}`;
    process.stderr.write(this.tty ? `\r${line}` : `${line}\n`);
  }

  finish(done: number, elapsedMs: number): void {
    const rate = elapsedMs > 0 ? Math.round((done / elapsedMs) * 1000) : done;
    process.stderr.write(
      `${this.tty ? '\r\x1b[K' : ''}${this.label}: ${done.toLocaleString('en')} ${this.unit} in ${(elapsedMs / 1000).toFixed(1)} s (${rate.toLocaleString('en')}/s)\n`,
    );
  }
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
}
