/**
 * Principal identity helpers shared by the providers' conclusions: the allow-list the
 * user maintains (exact principals, AWS account ids, GCP `domain:` entries) and the
 * AWS forms of one role (the IAM role ARN and the STS assumed-role ARN it runs as).
 */

/** The AWS account id an ARN (or a bare 12-digit id) names, else undefined. */
export function awsAccountOf(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  const parts = principal.split(':');
  if (parts.length >= 6 && parts[0] === 'arn' && /^\d{12}$/.test(parts[4] ?? '')) return parts[4];
  return undefined;
}

/** `arn:aws:sts::A:assumed-role/R/S` → `arn:aws:iam::A:role/R`; other ARNs unchanged. */
export function awsRoleOf(principal: string): string {
  const m = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(principal);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : principal;
}

/** Same IAM role, ignoring the role path (`role/a/b/Name` and `role/Name` name one role only when the name matches). */
export function sameAwsPrincipal(a: string, b: string): boolean {
  const x = awsRoleOf(a);
  const y = awsRoleOf(b);
  if (x === y) return true;
  const role = /^arn:([\w-]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;
  const mx = role.exec(x);
  const my = role.exec(y);
  return !!mx && !!my && mx[1] === my[1] && mx[2] === my[2] && mx[3] === my[3];
}

export function isAllowListed(principal: string, allowList: readonly string[]): boolean {
  const account = awsAccountOf(principal);
  for (const entry of allowList) {
    if (entry === principal) return true;
    if (account && /^\d{12}$/.test(entry) && entry === account) return true;
    if (entry.includes(':') && principal.includes('arn:') && sameAwsPrincipal(entry, principal)) return true;
    // GCP: `domain:example.com` covers every member whose email is in that domain.
    if (entry.startsWith('domain:')) {
      const at = principal.lastIndexOf('@');
      if (at > 0 && principal.slice(at + 1).toLowerCase() === entry.slice('domain:'.length).toLowerCase()) return true;
    }
  }
  return false;
}
