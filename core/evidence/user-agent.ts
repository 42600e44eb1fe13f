/**
 * What a provider record's user agent says about who made the call, for the matcher:
 * - `keywarden`: it carries a complete `keywarden-cid/<id>` marker (strong evidence);
 * - `truncated`: it was cut inside or before the marker (CloudTrail keeps at most 1 KB of
 *   a user agent), so it may be ours: only a weak, time-window match may claim it, and
 *   only a call whose id starts with what is left of the marker;
 * - `absent`: no user agent at all (some AWS-internal callers): weak match only;
 * - `foreign`: another client's user agent, no marker: never claimed by a time window.
 */
export type UserAgentKind = 'keywarden' | 'truncated' | 'absent' | 'foreign';

export interface UserAgentFacts {
  kind: UserAgentKind;
  /** The complete correlation id (`keywarden`), or what is left of it (`truncated`, maybe ''). */
  cid: string | null;
}

const MARKER = 'keywarden-cid/';
/** CloudTrail cuts user agents at 1 KB; a value this long may have lost its marker. */
export const USER_AGENT_LIMIT = 1000;
const CID_AT_END = /keywarden-cid\/([A-Za-z0-9._:-]{0,128})$/;
const CID_ANYWHERE = /keywarden-cid\/([A-Za-z0-9._:-]{1,128})(?=[^A-Za-z0-9._:-]|$)/;
/** The engine's correlation ids are UUIDs: one at the very end is complete only at full length. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_SHAPE = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';

/** The start of a UUID, shorter than one: what a cut leaves of the engine's id. */
function isUuidStart(id: string): boolean {
  if (id.length >= UUID_SHAPE.length) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id[i]!;
    if (UUID_SHAPE[i] === '-' ? c !== '-' : !/[0-9a-f]/i.test(c)) return false;
  }
  return true;
}

export function userAgentFacts(userAgent: string | null | undefined): UserAgentFacts {
  const ua = userAgent?.trim() ?? '';
  if (ua === '') return { kind: 'absent', cid: null };
  const atEnd = CID_AT_END.exec(ua);
  if (atEnd) {
    const id = atEnd[1]!;
    // A marker that ends the string was cut when what is left of its id is the start of
    // a UUID (the engine's ids), or when the value is as long as the provider keeps.
    if (UUID.test(id)) return { kind: 'keywarden', cid: id };
    if (id.length === 0 || isUuidStart(id) || ua.length >= USER_AGENT_LIMIT) return { kind: 'truncated', cid: id };
    return { kind: 'keywarden', cid: id };
  }
  const inside = CID_ANYWHERE.exec(ua);
  if (inside) return { kind: 'keywarden', cid: inside[1]! };
  const lastToken = ua.slice(ua.lastIndexOf(' ') + 1);
  if (lastToken.length >= 3 && MARKER.startsWith(lastToken)) return { kind: 'truncated', cid: '' };
  if (ua.length >= USER_AGENT_LIMIT) return { kind: 'truncated', cid: '' };
  return { kind: 'foreign', cid: null };
}
