/**
 * A file written in pieces: waits for the stream to drain so a large period never piles
 * up in memory, and hashes the bytes on the way out so the manifest needs no second
 * read of the file.
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';

export interface WrittenFile {
  /** Path inside the package, with forward slashes. */
  path: string;
  bytes: number;
  sha256: string;
}

export class FileSink {
  readonly #stream: fs.WriteStream;
  readonly #hash: Hash = createHash('sha256');
  #bytes = 0;
  #pending: string[] = [];
  #pendingLength = 0;

  constructor(readonly file: string, readonly packagePath: string) {
    this.#stream = fs.createWriteStream(file, { flags: 'wx', mode: 0o644 });
  }

  /** Buffers small writes into ~64 KiB chunks; resolves once the chunk is accepted. */
  async write(text: string): Promise<void> {
    this.#pending.push(text);
    this.#pendingLength += text.length;
    if (this.#pendingLength >= 64 * 1024) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const chunk = Buffer.from(this.#pending.join(''), 'utf8');
    this.#pending = [];
    this.#pendingLength = 0;
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    // events.once rejects if the stream emits 'error' while we wait, and leaves no listener behind.
    if (!this.#stream.write(chunk)) await once(this.#stream, 'drain');
  }

  async close(): Promise<WrittenFile> {
    await this.#flush();
    this.#stream.end();
    await once(this.#stream, 'finish');
    return { path: this.packagePath, bytes: this.#bytes, sha256: this.#hash.digest('hex') };
  }

  /** On failure: stop writing; the caller removes the partial package. */
  destroy(): void {
    this.#stream.destroy();
  }
}

/** Writes a whole buffer (the PDF, the proofs) and returns its entry. */
export async function writeWhole(file: string, packagePath: string, data: Buffer | string): Promise<WrittenFile> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  await fs.promises.writeFile(file, bytes, { flag: 'wx', mode: 0o644 });
  return { path: packagePath, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}
