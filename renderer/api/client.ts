/**
 * The typed client the window uses: `client.call('tenant.list', {})` with input and
 * result types taken from the contract. A failed call throws ClientError carrying the
 * stable code, so screens can show a people-readable message with the code.
 */
import type { MethodInput, MethodName, MethodResult } from '../../core/api/contract';
import type { ErrorCode, ErrorData } from '../../core/errors';
import type { DownloadedFile, Transport } from './transport';

export class ClientError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;
  constructor(data: ErrorData) {
    super(data.message);
    this.name = 'ClientError';
    this.code = data.code;
    this.status = data.status;
    if (data.details) this.details = data.details;
  }
}

export interface KeywardenClient {
  readonly transport: Transport['kind'];
  call<K extends MethodName>(method: K, input: MethodInput<K>): Promise<MethodResult<K>>;
  /** An export's file from the web host (/download/report/<seq>/<zip|pdf>); throws ClientError, or when the host has no downloads. */
  download(path: string): Promise<DownloadedFile>;
}

export function createClient(transport: Transport): KeywardenClient {
  return {
    transport: transport.kind,
    async call(method, input) {
      const outcome = await transport.call(method, input);
      if (!outcome.ok) throw new ClientError(outcome.error);
      return outcome.value as never;
    },
    async download(path) {
      if (!transport.download) throw new ClientError({ code: 'forbidden', status: 403, message: 'the desktop app opens the folder instead of downloading' });
      const got = await transport.download(path);
      if (!got.ok) throw new ClientError(got.error);
      return got.file;
    },
  };
}
