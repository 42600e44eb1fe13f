/**
 * A lean entry for the decode threads when running from source (CLI, tests): it loads
 * only the decoders, not the whole engine worker. The built app uses engine-worker.js's
 * `archive-decode` job, which does the same.
 */
import { parentPort } from 'node:worker_threads';
import { decodeRequest, transferOf, type DecodeRequest } from './decode-request';

const port = parentPort;
port?.on('message', (req: DecodeRequest) => void decodeRequest(req).then((reply) => port.postMessage(reply, transferOf(reply))));
