/**
 * Progress of a long engine operation (seeding records, a drill, an evidence fetch),
 * reported through a callback the host injects: the CLI draws it on stderr, other hosts
 * may ignore it. Counts only, never record names, values or key material.
 */
export interface OperationProgress {
  /** The operation, as a person would call it: `seed-sample`, `drill`, `evidence fetch`. */
  operation: string;
  done: number;
  /** null while the total is not known. */
  total: number | null;
  /** What done and total count: rows, virtual seconds, sources. */
  unit: string;
  /** A short note on where it is (the source being read, the drill's last event). */
  detail?: string;
}

export type ProgressSink = (p: OperationProgress) => void;

/** A sink that never lets a host's failure to draw progress break the operation. */
export function safeSink(sink: ProgressSink | undefined): ProgressSink {
  return (p) => {
    try {
      sink?.(p);
    } catch {
      // Drawing progress is best effort.
    }
  };
}
