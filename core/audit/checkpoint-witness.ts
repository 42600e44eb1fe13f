/**
 * The last checkpoint this installation has seen, kept OUTSIDE the database: someone who
 * truncates the audit log and also deletes its checkpoint rows still leaves this file
 * behind, and verification then reports the missing tail. It only ever moves forward.
 */
import fs from 'node:fs';
import path from 'node:path';

export const WITNESS_FILE = 'audit-checkpoint.latest';

export class CheckpointWitness {
  readonly #file: string;

  constructor(dataDir: string) {
    this.#file = path.join(dataDir, WITNESS_FILE);
  }

  /** The note text, or undefined when none was recorded yet. */
  read(): string | undefined {
    try {
      return fs.readFileSync(this.#file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Replaces the file atomically (write then rename), so a crash leaves old or new. */
  write(note: string): void {
    const tmp = `${this.#file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, note, { mode: 0o644 });
    fs.renameSync(tmp, this.#file);
  }
}
