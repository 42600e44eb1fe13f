/**
 * Progress of a long command on stderr: on a terminal, one line redrawn in place with a
 * bar ("[########------------]  40%  text"); anywhere else (a pipe, a log file, CI),
 * plain lines as before, so logs stay readable and greppable.
 */
export interface ProgressOutput {
  write: (text: string) => void;
  /** Whether stderr is a terminal. */
  tty: boolean;
}

export interface ProgressLine {
  /** fraction in 0..1, or null when unknown. */
  update(text: string, fraction: number | null): void;
  /** Ends the redrawn line (a newline on a terminal; nothing otherwise). */
  end(): void;
}

const WIDTH = 24;

export function progressBar(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return `[${'·'.repeat(WIDTH)}]     `;
  const f = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(f * WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.floor(f * 100)).padStart(3)}%`;
}

export function progressLine(out: ProgressOutput): ProgressLine {
  let drawn = false;
  return {
    update(text, fraction) {
      if (!out.tty) return out.write(`${text}\n`);
      // \r back to the start, ESC[2K clears the old line: no leftovers from a longer one.
      out.write(`\r\x1b[2K${progressBar(fraction)}  ${text}`);
      drawn = true;
    },
    end() {
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}
