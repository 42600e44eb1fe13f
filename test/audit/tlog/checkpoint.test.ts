/**
 * C2SP tlog-checkpoint text. The golden body is Go's golang.org/x/mod/sumdb/tlog
 * note_test.go TestFormatTree (size 123456789012, hash = RecordHash("hello world"),
 * which is the RFC 6962 leaf hash).
 */
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, parseCheckpoint } from '../../../core/audit/tlog/checkpoint';
import { leafHash } from '../../../core/audit/tlog/hash';

const GOLDEN = 'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n';
const ROOT = leafHash(Buffer.from('hello world'));

describe('checkpoint format', () => {
  it('formats and parses the Go tlog golden tree', () => {
    const cp = { origin: 'go.sum database tree', treeSize: 123456789012, rootHash: ROOT, extensions: [] };
    expect(formatCheckpoint(cp)).toBe(GOLDEN);
    expect(parseCheckpoint(GOLDEN)).toEqual({ ok: true, value: cp });
  });

  it('round-trips extension lines and the empty tree', () => {
    const cp = { origin: 'keywarden.local/audit/7f3a', treeSize: 0, rootHash: ROOT, extensions: ['ext one', 'two'] };
    const text = formatCheckpoint(cp);
    expect(text.endsWith('\next one\ntwo\n')).toBe(true);
    expect(parseCheckpoint(text)).toEqual({ ok: true, value: cp });
  });

  it('refuses to format what it could not parse back', () => {
    const base = { origin: 'o', treeSize: 1, rootHash: ROOT, extensions: [] as string[] };
    expect(() => formatCheckpoint({ ...base, origin: '' })).toThrow('origin (line 1) is empty');
    expect(() => formatCheckpoint({ ...base, origin: 'a\nb' })).toThrow('must not contain a newline');
    expect(() => formatCheckpoint({ ...base, treeSize: 1.5 })).toThrow('non-negative safe integer');
    expect(() => formatCheckpoint({ ...base, rootHash: Buffer.alloc(31) })).toThrow('31 bytes');
    expect(() => formatCheckpoint({ ...base, extensions: [''] })).toThrow('extension line 4 is empty');
  });

  const root64 = ROOT.toString('base64');
  it.each([
    ['missing final newline', `o\n1\n${root64}`, 'checkpoint text must end with a newline'],
    ['two lines', 'o\n1\n', 'checkpoint has 2 lines, expected at least 3 (origin, tree size, root hash)'],
    ['empty origin', `\n1\n${root64}\n`, 'checkpoint origin (line 1) is empty'],
    ['hex size (Go bad tree)', `o\n0xabcdef\n${root64}\n`, 'checkpoint tree size (line 2) "0xabcdef" is not a decimal number without leading zeros'],
    ['leading zero', `o\n01\n${root64}\n`, 'checkpoint tree size (line 2) "01" is not a decimal number without leading zeros'],
    ['negative size', `o\n-1\n${root64}\n`, 'checkpoint tree size (line 2) "-1" is not a decimal number without leading zeros'],
    ['huge size', `o\n9007199254740993\n${root64}\n`, 'checkpoint tree size (line 2) 9007199254740993 is too large'],
    ['bad base64 (Go bad tree)', 'o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n', 'checkpoint root hash (line 3) "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=" is not canonical base64'],
    ['non-canonical base64', 'o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb1=\n', 'is not canonical base64'],
    ['short hash', `o\n1\n${ROOT.subarray(0, 16).toString('base64')}\n`, 'checkpoint root hash (line 3) is 16 bytes, expected 32'],
    ['empty extension', `o\n1\n${root64}\n\n`, 'checkpoint extension line 4 is empty'],
    ['CRLF', `o\r\n1\n${root64}\n`, 'checkpoint line 1 contains a control character at column 2'],
    ['lone surrogate', `o\uD800\n1\n${root64}\n`, 'checkpoint text is not valid Unicode'],
  ])('rejects %s', (_, text, reason) => {
    const r = parseCheckpoint(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
});
