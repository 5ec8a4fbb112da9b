/** A one-line progress bar on a terminal stream, redrawn at most every 50 ms; other lines can be printed above it. */

const WIDTH = 30;

/** The bar's text: `[#######-------]  45% 450/1000 pages`. Pure, for tests. */
export function renderBar(done: number, total: number): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * WIDTH);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${percent} ${done}/${total} pages`;
}

export class ProgressBar {
  private shown = false;
  private last = 0;
  private text = "";

  constructor(private readonly stream: NodeJS.WriteStream, private readonly clock: () => number = Date.now) {}

  update(done: number, total: number): void {
    this.text = renderBar(done, total);
    const t = this.clock();
    if (done < total && t - this.last < 50) return;
    this.last = t;
    this.stream.write(`\r\u001b[K${this.text}`);
    this.shown = true;
  }

  /** Prints a whole line above the bar, then redraws the bar. */
  line(text: string): void {
    if (this.shown) this.stream.write("\r\u001b[K");
    this.stream.write(`${text}\n`);
    if (this.shown) this.stream.write(this.text);
  }

  /** Clears the bar so the summary takes its place. */
  clear(): void {
    if (this.shown) this.stream.write("\r\u001b[K");
    this.shown = false;
  }
}
