/**
 * Fails any test whose code opens a connection to a non-loopback address.
 *
 * Cloud SDKs reach for metadata servers (169.254.169.254, metadata.google.internal) and
 * real endpoints whenever a credential or endpoint is missing. Such a connection is
 * refused here at the socket, and recorded: an SDK may swallow the refusal and report
 * "unreachable", so the test also fails afterwards on the recorded violation.
 */
import net from 'node:net';
import { afterEach, expect } from 'vitest';
import { isLoopbackHost } from './loopback-hosts';

const violations: string[] = [];
const originalConnect = net.Socket.prototype.connect;

function targetOf(args: unknown[]): { host?: string; path?: string } {
  const [first, second] = args;
  if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
    const opts = first as { host?: string; path?: string };
    return { host: opts.host ?? (opts.path ? undefined : 'localhost'), path: opts.path };
  }
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { path: first };
  return { host: typeof second === 'string' ? second : 'localhost' };
}

net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const { host, path } = targetOf(args);
  if (!path && host !== undefined && !isLoopbackHost(host)) {
    const message = `loopback guard: blocked connection to ${host}`;
    violations.push(message);
    process.nextTick(() => this.destroy(Object.assign(new Error(message), { code: 'ECONNREFUSED' })));
    return this;
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;

// Belt and braces for the SDKs' metadata probes.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.METADATA_SERVER_DETECTION = 'none';
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';

afterEach(() => {
  const seen = violations.splice(0);
  expect(seen, 'non-loopback connections attempted').toEqual([]);
});
