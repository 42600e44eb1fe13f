/**
 * When a KMS probe needs step-up: a config that names its own endpoint (KMS, STS or
 * Entra authority) sends key material or a bearer token to a host of the caller's
 * choosing. Pure: the engine, the CLI and the window share it.
 */
export function namesEndpoint(config: Record<string, unknown> | undefined): boolean {
  return ['endpoint', 'sts_endpoint', 'authority_host'].some((k) => config?.[k] !== undefined && config[k] !== '');
}
