/** Turning a configured endpoint URL into the KMS client's `apiEndpoint` / `port` / `protocol`. */

export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export interface KmsClientEndpoint {
  apiEndpoint: string;
  port: number;
  protocol: 'http' | 'https';
}

/** `https://cloudkms.googleapis.com` → `{ apiEndpoint: 'cloudkms.googleapis.com', port: 443, protocol: 'https' }`. */
export function kmsClientEndpoint(endpoint: string | undefined): KmsClientEndpoint | undefined {
  if (endpoint === undefined) return undefined;
  const url = new URL(endpoint);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  return { apiEndpoint: url.hostname, port, protocol }; // IPv6 keeps its brackets: gax builds the URL from it
}
