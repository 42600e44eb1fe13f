/**
 * The README's commands word for word on a fresh clone: the project's files without
 * out/ (node_modules linked, as `npm ci` would have made it), then
 * `npm run keywarden -- serve`. The printed URL must serve the built window, and stderr
 * must say once that it was built.
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { rawRequest } from '../main/http-request';

const repo = path.resolve(__dirname, '../..');
const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-clone-'));
afterAll(() => fs.rmSync(clone, { recursive: true, force: true }));

it('npm run keywarden -- serve on a fresh clone builds the window and serves it', async () => {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    if (f === 'node_modules' || f.startsWith('out/') || !fs.existsSync(path.join(repo, f))) continue;
    fs.mkdirSync(path.dirname(path.join(clone, f)), { recursive: true });
    fs.copyFileSync(path.join(repo, f), path.join(clone, f));
  }
  fs.symlinkSync(fs.realpathSync(path.join(repo, 'node_modules')), path.join(clone, 'node_modules'));
  expect(fs.existsSync(path.join(clone, 'out'))).toBe(false);

  const child = spawn('npm', ['run', '--silent', 'keywarden', '--', 'serve', '--data-dir', path.join(clone, 'data')], { cwd: clone, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL after 50 s; stderr: ${stderr}`)), 50_000);
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const m = /http:\/\/127\.0\.0\.1:(\d+)\/#token=/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}; stderr: ${stderr}`)));
    });
    const page = await rawRequest({ port, path: '/' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="root">');
    const script = /src="\.?(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    expect((await rawRequest({ port, path: script! })).status).toBe(200);
    expect(stderr.split('\n').filter((l) => l.includes('building it now'))).toEqual(['keywarden serve: the window has not been built yet; building it now (electron-vite build)…']);
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
  }
}, 90_000);
