/**
 * The AWS SDK warns on every Node 20 process that its releases after January 2027 need
 * Node 22 (`NodeVersionSupportWarning`, through process.emitWarning). Keywarden pins its
 * SDK versions and supports Node 20.19+ (README), so for a CLI user that warning is noise
 * on every command. This drops exactly that warning and passes every other one through.
 */
const SDK_NODE_WARNING = 'NodeVersionSupportWarning';

export function isSdkNodeVersionWarning(warning: unknown, type?: unknown): boolean {
  if (typeof warning === 'string') return warning.startsWith(`${SDK_NODE_WARNING}:`) || type === SDK_NODE_WARNING;
  if (warning instanceof Error) return warning.name === SDK_NODE_WARNING || warning.message.startsWith(`${SDK_NODE_WARNING}:`);
  return false;
}

/** Installs the filter once on `proc` (process by default); returns a function that removes it. */
export function silenceSdkNodeVersionWarning(proc: NodeJS.Process = process): () => void {
  const original = proc.emitWarning;
  const filtered = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const options = rest[0];
    const type = typeof options === 'string' ? options : (options as { type?: unknown } | undefined)?.type;
    if (isSdkNodeVersionWarning(warning, type)) return;
    return (original as (...a: unknown[]) => void).call(this, warning, ...rest);
  } as NodeJS.Process['emitWarning'];
  proc.emitWarning = filtered;
  return () => {
    if (proc.emitWarning === filtered) proc.emitWarning = original;
  };
}
