/**
 * seed-sample, drill run and evidence fetch report progress through the engine's injected
 * callback: plain lines on stderr when it is not a terminal (no ANSI), a bar redrawn in
 * place when it is; stdout holds only the result, and `--json` stays one document of the
 * same shape as before.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import { followOperationProgress, formatOperationProgress } from '../../main/cli/operation-progress';
import { progressLine } from '../../main/cli/progress-line';
import { fakeAwsEnv, startAwsFake, type AwsFake } from '../fakes/aws';
import { allowEndpoints } from '../support/allowed-endpoints';
import os from 'node:os';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';

const PASS = 'correct horse battery staple';
let aws: AwsFake;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-cli-op-progress-'));
const d = ['--data-dir', dir];

async function kw(args: string[], tty = false) {
  let out = '';
  let err = '';
  const code = await runCli([...args, ...d], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { KEYWARDEN_PASSPHRASE: PASS, ...fakeAwsEnv() }, passphrasePolicy: FAST_PASSPHRASE_POLICY, stderrIsTTY: tty });
  return { code, out, err };
}

const ANSI = /\x1b|\r/;

beforeAll(async () => {
  aws = await startAwsFake();
  expect((await kw(['init'])).code).toBe(0);
  expect((await kw(['tenant', 'create', '--slug', 'acme'])).code).toBe(0);
});
afterAll(async () => {
  await aws?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('progress of seed-sample, drill run and evidence fetch', () => {
  it('seed-sample: plain lines without a terminal, from the first batch to the last', async () => {
    const r = await kw(['seed-sample', '--tenant', 'acme', '--rows', '2500']);
    expect(r.code).toBe(0);
    expect(r.err).not.toMatch(ANSI);
    const lines = r.err.trim().split('\n');
    expect(lines[0]).toMatch(/^seed-sample {2}1000\/2500 rows \(40%\)( {2}[\d.]+ rows\/s {2}eta \d+ s)?$/);
    expect(lines.at(-1)).toMatch(/^seed-sample {2}2500\/2500 rows \(100%\) {2}[\d.]+ rows\/s$/);
    expect(r.out).toMatch(/^seeded 2,500 synthetic records/m);
    expect(r.out).not.toContain('rows/s');
  });

  it('seed-sample --json: stdout is the one result document, progress stays on stderr', async () => {
    const r = await kw(['seed-sample', '--tenant', 'acme', '--rows', '1200', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(doc).sort()).toEqual(['by_table', 'key_version', 'seeded']);
    expect(doc).toMatchObject({ seeded: 1200, by_table: { secret_environment_configs: 600, integration_configs: 600 } });
    expect(r.err).toMatch(/^seed-sample {2}1000\/1200 rows/);
  });

  it('seed-sample on a terminal: one bar redrawn in place, ended by a newline', async () => {
    const r = await kw(['seed-sample', '--tenant', 'acme', '--rows', '1500'], true);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^\r\x1b\[2K\[[#-]{24}\] +\d+% {2}seed-sample {2}1000\/1500 rows/);
    expect(r.err).toContain('\r\x1b[2K[########################] 100%  seed-sample  1500/1500 rows (100%)');
    expect(r.err.split('\n')).toHaveLength(2);
  });

  it('drill run: virtual seconds against the duration, events kept as lines, the same --json', async () => {
    const r = await kw(['drill', 'run', '--tenant', 'acme', '--scenario', 'deny', '--agents', '2', '--kill-after', '30', '--restore-after', '60', '--duration', '200']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toMatch(ANSI);
    const lines = r.err.trim().split('\n');
    expect(lines.every((l) => l.startsWith('drill (simulated)  '))).toBe(true);
    expect(lines.at(-1)).toMatch(/^drill \(simulated\) {2}200\/200 virtual s \(100%\)/);
    expect(r.out).not.toContain('virtual s/s');

    const j = await kw(['drill', 'run', '--tenant', 'acme', '--scenario', 'deny', '--agents', '2', '--kill-after', '30', '--restore-after', '60', '--duration', '200', '--json']);
    const doc = JSON.parse(j.out) as Record<string, unknown>;
    expect(doc).toMatchObject({ kind: 'simulated', state: 'done', tenant: 'acme' });
    expect(j.err).toMatch(/200\/200 virtual s/);
  });

  it('evidence fetch: sources read out of the total, the same --json', async () => {
    const key = aws.createKey({ alias: 'progress' });
    allowEndpoints(dir, aws.endpoint, aws.cloudtrail.endpoint);
    const cfg = path.join(dir, 'aws.json');
    fs.writeFileSync(cfg, JSON.stringify({ provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint } }));
    expect((await kw(['tenant', 'create', '--slug', 'cloud'])).code).toBe(0);
    expect((await kw(['onboard', '--tenant', 'cloud', '--file', cfg])).code).toBe(0);
    expect((await kw(['evidence', 'settings', '--tenant', 'cloud', '--aws-cloudtrail-endpoint', aws.cloudtrail.endpoint])).code).toBe(0);
    const r = await kw(['evidence', 'fetch']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toMatch(ANSI);
    expect(r.err.trim().split('\n').at(-1)).toMatch(/^evidence fetch {2}1\/1 sources \(100%\) .* {2}cloud aws: done, \d+ page\(s\), \d+ record\(s\)$/);
    expect(r.out).toMatch(/cloud\s+aws\s+…\S+\s+done/);
    const j = await kw(['evidence', 'fetch', '--json']);
    const doc = JSON.parse(j.out) as { sources: unknown[] };
    expect(Object.keys(doc).sort()).toEqual(['cancelled', 'finished_at', 'running', 'sources', 'started_at']);
    expect(doc.sources).toHaveLength(1);
  });

  it('lines carry done/total, the rate and the time left; plain output holds back to one line a second', () => {
    expect(formatOperationProgress({ operation: 'seed-sample', done: 250, total: 1000, unit: 'rows' }, 2_000)).toBe('seed-sample  250/1000 rows (25%)  125 rows/s  eta 6 s');
    expect(formatOperationProgress({ operation: 'drill (real)', done: 600, total: 1800, unit: 's', detail: 'provider ok' }, 600_000)).toBe('drill (real)  600/1800 s (33%)  1.00 s/s  eta 20 min 0 s  provider ok');
    expect(formatOperationProgress({ operation: 'x', done: 3, total: null, unit: 'pages' }, 0)).toBe('x  3 pages');
    let t = 0;
    let text = '';
    const view = followOperationProgress((s) => (text += s), false, () => t);
    for (let done = 100; done <= 1000; done += 100) {
      t += 300;
      view.sink({ operation: 'op', done, total: 1000, unit: 'rows' });
    }
    view.sink({ operation: 'op', done: 1000, total: 1000, unit: 'rows' });
    view.stop();
    // 300 ms apart: the first, then one a second (at 1.5 s and 2.7 s), and each at the total.
    expect(text.split('\n').filter(Boolean).map((l) => l.split('  ')[1])).toEqual(['100/1000 rows (10%)', '500/1000 rows (50%)', '900/1000 rows (90%)', '1000/1000 rows (100%)', '1000/1000 rows (100%)']);
  });

  it('a kept line (a drill event) prints above the bar on a terminal and the bar is redrawn; plain output is just the line', () => {
    let tty = '';
    const bar = progressLine({ write: (t) => (tty += t), tty: true });
    bar.update('drill (simulated)  60/600 virtual s (10%)', 0.1);
    bar.note('drill 1234abcd +60 s  KILL  fault injection: deny');
    bar.end();
    expect(tty).toBe('\r\x1b[2K[##----------------------]  10%  drill (simulated)  60/600 virtual s (10%)' + '\r\x1b[2Kdrill 1234abcd +60 s  KILL  fault injection: deny\n[##----------------------]  10%  drill (simulated)  60/600 virtual s (10%)' + '\n');
    let plain = '';
    const lines = progressLine({ write: (t) => (plain += t), tty: false });
    lines.note('drill 1234abcd +60 s  KILL  fault injection: deny');
    expect(plain).toBe('drill 1234abcd +60 s  KILL  fault injection: deny\n');
  });
});
