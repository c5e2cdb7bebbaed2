/** A one-line progress bar on stderr, redrawn in place on a terminal and silent otherwise. */
export class Progress {
  #done = 0;
  readonly #tty: boolean;
  #last = 0;

  constructor(
    readonly total: number,
    readonly label: string,
    readonly write: (s: string) => void = (s) => process.stderr.write(s),
    isTTY: boolean = Boolean(process.stderr.isTTY),
  ) {
    this.#tty = isTTY && total > 1;
  }

  tick(): void {
    this.#done++;
    if (!this.#tty) return;
    const now = Date.now();
    if (now - this.#last < 100 && this.#done < this.total) return;
    this.#last = now;
    const width = 30;
    const filled = Math.round((this.#done / this.total) * width);
    // \x1b[K clears what a longer bar (e.g. the outer one around a video's) left on the line.
    this.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.#done}/${this.total}\x1b[K`);
  }

  /** Prints a message on its own line without breaking the bar. */
  note(message: string): void {
    if (this.#tty) this.write('\r\x1b[K');
    this.write(`${message}\n`);
  }

  end(): void {
    if (this.#tty) this.write('\r\x1b[K');
  }
}
