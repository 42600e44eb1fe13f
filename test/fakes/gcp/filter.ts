/**
 * A subset of the Cloud Logging query language, enough for the evidence cross-check:
 * comparisons `path OP value` with OP in `= != > < >= <= : =~ !~`, `AND` / `OR` / `NOT`
 * (and `-`), implicit AND between terms, parentheses, quoted or bare values, `field:*`.
 * `timestamp` / `receiveTimestamp` compare as instants, `severity` by rank. A path that
 * crosses an array matches when any element does. Anything else is a parse error,
 * which the fake answers with 400 INVALID_ARGUMENT (as Cloud Logging does).
 */

type Token =
  | { t: 'word'; v: string }
  | { t: 'str'; v: string }
  | { t: 'op'; v: string }
  | { t: 'lp' }
  | { t: 'rp' };

export type Predicate = (entry: unknown) => boolean;

export class FilterSyntaxError extends Error {}

const OPS = ['>=', '<=', '!=', '=~', '!~', '=', '>', '<', ':'];
const SEVERITY = ['DEFAULT', 'DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY'];
const SEVERITY_RANK: Record<string, number> = Object.fromEntries(SEVERITY.map((s, i) => [s, i * 100]));

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(') { out.push({ t: 'lp' }); i++; continue; }
    if (c === ')') { out.push({ t: 'rp' }); i++; continue; }
    if (c === '"') {
      let v = '';
      i++;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        v += src[i];
        i++;
      }
      if (src[i] !== '"') throw new FilterSyntaxError('unterminated string');
      i++;
      out.push({ t: 'str', v });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) { out.push({ t: 'op', v: op }); i += op.length; continue; }
    let v = '';
    while (i < src.length && !/[\s()"=!<>:~]/.test(src[i]!)) v += src[i++];
    if (v === '') throw new FilterSyntaxError(`unexpected character '${c}'`);
    out.push({ t: 'word', v });
  }
  return out;
}

/** All values reached by a dotted path; arrays fan out. */
function valuesAt(entry: unknown, path: string[]): unknown[] {
  let current: unknown[] = [entry];
  for (const seg of path) {
    const next: unknown[] = [];
    for (const c of current) {
      const items = Array.isArray(c) ? c : [c];
      for (const item of items) {
        if (item !== null && typeof item === 'object' && seg in (item as object)) next.push((item as Record<string, unknown>)[seg]);
      }
    }
    current = next.flatMap((v) => (Array.isArray(v) ? v : [v]));
  }
  return current;
}

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function compare(path: string[], op: string, want: string, got: unknown): boolean {
  const field = path.join('.');
  if (op === ':') {
    if (want === '*') return got !== undefined && got !== null;
    if (got !== null && typeof got === 'object') return JSON.stringify(got).toLowerCase().includes(want.toLowerCase());
    return (scalar(got) ?? '').toLowerCase().includes(want.toLowerCase());
  }
  const s = scalar(got);
  if (s === undefined) return false;
  if (op === '=~' || op === '!~') {
    const hit = new RegExp(want).test(s);
    return op === '=~' ? hit : !hit;
  }
  let a: number | string = s;
  let b: number | string = want;
  if (field === 'timestamp' || field === 'receiveTimestamp') {
    a = Date.parse(s);
    b = Date.parse(want);
    if (Number.isNaN(b)) throw new FilterSyntaxError(`invalid timestamp '${want}'`);
  } else if (field === 'severity') {
    a = SEVERITY_RANK[s.toUpperCase()] ?? 0;
    b = SEVERITY_RANK[want.toUpperCase()] ?? Number(want);
  } else if (s.trim() !== '' && want.trim() !== '' && !Number.isNaN(Number(s)) && !Number.isNaN(Number(want))) {
    a = Number(s);
    b = Number(want);
  }
  switch (op) {
    case '=': return a === b;
    case '!=': return a !== b;
    case '>': return a > b;
    case '<': return a < b;
    case '>=': return a >= b;
    case '<=': return a <= b;
    default: throw new FilterSyntaxError(`unsupported operator ${op}`);
  }
}

/** Compiles a filter; an empty filter matches everything. */
export function compileFilter(src: string | undefined): Predicate {
  if (!src || src.trim() === '') return () => true;
  const toks = tokenize(src);
  let pos = 0;
  const peek = () => toks[pos];
  const isWord = (w: string) => { const k = peek(); return k?.t === 'word' && k.v === w; };

  function orExpr(): Predicate {
    const parts = [andExpr()];
    while (isWord('OR')) { pos++; parts.push(andExpr()); }
    return parts.length === 1 ? parts[0]! : (e) => parts.some((p) => p(e));
  }
  function andExpr(): Predicate {
    const parts = [unary()];
    for (;;) {
      if (isWord('AND')) { pos++; parts.push(unary()); continue; }
      const k = peek();
      if (!k || k.t === 'rp' || isWord('OR')) break;
      parts.push(unary()); // implicit AND
    }
    return parts.length === 1 ? parts[0]! : (e) => parts.every((p) => p(e));
  }
  function unary(): Predicate {
    if (isWord('NOT')) { pos++; const p = unary(); return (e) => !p(e); }
    const k = peek();
    if (k?.t === 'word' && k.v.startsWith('-') && k.v.length > 1) {
      k.v = k.v.slice(1);
      const p = unary();
      return (e) => !p(e);
    }
    return primary();
  }
  function primary(): Predicate {
    const k = toks[pos++];
    if (!k) throw new FilterSyntaxError('unexpected end of filter');
    if (k.t === 'lp') {
      const p = orExpr();
      if (toks[pos++]?.t !== 'rp') throw new FilterSyntaxError("missing ')'");
      return p;
    }
    if (k.t !== 'word') throw new FilterSyntaxError('expected a field name');
    const op = toks[pos++];
    if (op?.t !== 'op') throw new FilterSyntaxError(`global restrictions are not supported (after '${k.v}')`);
    const val = toks[pos++];
    if (!val || (val.t !== 'word' && val.t !== 'str')) throw new FilterSyntaxError(`expected a value after ${op.v}`);
    const path = k.v.split('.');
    const want = val.v;
    if (op.v === '!=') return (e) => !valuesAt(e, path).some((g) => compare(path, '=', want, g));
    return (e) => valuesAt(e, path).some((g) => compare(path, op.v, want, g));
  }

  const pred = orExpr();
  if (pos !== toks.length) throw new FilterSyntaxError('unexpected trailing tokens');
  return pred;
}
