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
  /** A line worth keeping (a drill's timeline event): printed above the bar on a terminal. */
  note(text: string): void;
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
  let bar = '';
  return {
    update(text, fraction) {
      if (!out.tty) return out.write(`${text}\n`);
      // \r back to the start, ESC[2K clears the old line: no leftovers from a longer one.
      bar = `${progressBar(fraction)}  ${text}`;
      out.write(`\r\x1b[2K${bar}`);
      drawn = true;
    },
    note(text) {
      if (!out.tty || !drawn) return out.write(`${text}\n`);
      out.write(`\r\x1b[2K${text}\n${bar}`);
    },
    end() {
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}
