/**
 * A self-signed certificate for the fakes that must speak https (the Entra authority:
 * MSAL refuses a non-https authority; Log Analytics: the SDK refuses a bearer token over
 * plain http). Made once per process with the openssl CLI; SAN IP:127.0.0.1 and
 * DNS:localhost. Clients trust it through the SDK's `tlsOptions.ca` or, for a spawned
 * process, `NODE_EXTRA_CA_CERTS=<certFile>`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface FakeTlsMaterial {
  cert: string;
  key: string;
  /** Path of the PEM certificate (for NODE_EXTRA_CA_CERTS in a child process). */
  certFile: string;
}

let cached: FakeTlsMaterial | undefined;

export function fakeTlsMaterial(): FakeTlsMaterial {
  if (cached) return cached;
  const dir = mkdtempSync(path.join(tmpdir(), 'keywarden-azure-fake-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=keywarden-azure-fake',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,digitalSignature,keyCertSign',
      '-addext', 'extendedKeyUsage=serverAuth',
    ],
    { stdio: 'ignore' },
  );
  cached = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile };
  return cached;
}
