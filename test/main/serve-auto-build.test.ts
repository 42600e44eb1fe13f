/**
 * `serve` on a fresh clone builds the window itself: missing or stale out/renderer →
 * one line on stderr and a build, then the host serves the built page; a fresh build is
 * left alone; a --static-dir is never built; a failing build is one error line, exit 1.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { electronViteBuild, windowBuildState } from '../../main/web-host/ensure-build';
import { runServe } from '../../main/web-host/serve-command';
import { rawRequest } from './http-request';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
});

function fakeClone(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-serve-'));
  roots.push(root);
  fs.mkdirSync(path.join(root, 'renderer', 'src'), { recursive: true });
  fs.writeFileSync(path.join(root, 'renderer', 'src', 'main.tsx'), 'export {};\n');
  fs.writeFileSync(path.join(root, 'package.json'), '{"name":"keywarden"}\n');
  return root;
}

function setMtime(file: string, secondsAgo: number): void {
  const t = new Date(Date.now() - secondsAgo * 1000);
  fs.utimesSync(file, t, t);
}

/** Runs serve until the URL is printed, fetches `/`, then stops it. */
async function serveOnce(root: string, build: (root: string) => Promise<void>, extra: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const dataDir = path.join(root, 'data');
  let release!: () => void;
  const stopped = new Promise<void>((r) => (release = r));
  let page: { status: number; text: string } | undefined;
  const io = {
    stdout: (t: string) => {
      out.push(t);
      const port = /127\.0\.0\.1:(\d+)/.exec(t)?.[1];
      if (port) void rawRequest({ port: Number(port), path: '/' }).then((r) => ((page = r), release()), release);
    },
    stderr: (t: string) => void err.push(t),
    env: {},
  };
  const code = await runServe(['--port', '0', '--data-dir', dataDir, ...extra], io, () => stopped, { appRoot: root, build });
  if (code !== 0) release();
  return { code, stderr: err.join(''), page };
}

const writeIndex = (html: string) => async (root: string) => {
  fs.mkdirSync(path.join(root, 'out', 'renderer'), { recursive: true });
  fs.writeFileSync(path.join(root, 'out', 'renderer', 'index.html'), html);
};

describe('serve builds the window when it is missing or stale', () => {
  it('builds a missing window, says so in one stderr line, and serves it', async () => {
    const root = fakeClone();
    let builds = 0;
    const run = await serveOnce(root, async (r) => {
      builds++;
      await writeIndex('<!doctype html><div id="root">built</div>')(r);
    });
    expect(run.code).toBe(0);
    expect(builds).toBe(1);
    const lines = run.stderr.split('\n').filter((l) => l.includes('building'));
    expect(lines).toEqual(['keywarden serve: the window has not been built yet; building it now (electron-vite build)…']);
    expect(run.page).toEqual(expect.objectContaining({ status: 200 }));
    expect(run.page!.text).toContain('built');
  });

  it('leaves a fresh build alone and rebuilds once a source is newer', async () => {
    const root = fakeClone();
    await writeIndex('<!doctype html>v1')(root);
    setMtime(path.join(root, 'renderer', 'src', 'main.tsx'), 60);
    setMtime(path.join(root, 'package.json'), 60);
    expect(windowBuildState(root, path.join(root, 'out', 'renderer'))).toEqual({ fresh: true });
    let builds = 0;
    const fresh = await serveOnce(root, async () => void builds++);
    expect(fresh.code).toBe(0);
    expect(builds).toBe(0);
    expect(fresh.stderr).not.toContain('building');
    expect(fresh.page!.text).toContain('v1');

    // A source edited after the build: the build is stale.
    setMtime(path.join(root, 'out', 'renderer', 'index.html'), 120);
    fs.writeFileSync(path.join(root, 'renderer', 'src', 'screen.tsx'), 'export const x = 1;\n');
    expect(windowBuildState(root, path.join(root, 'out', 'renderer'))).toEqual({ fresh: false, reason: 'stale' });
    const stale = await serveOnce(root, async (r) => {
      builds++;
      await writeIndex('<!doctype html>v2')(r);
    });
    expect(builds).toBe(1);
    expect(stale.stderr).toContain('the window is older than its sources; building it now');
    expect(stale.page!.text).toContain('v2');
  });

  it('never builds a --static-dir the caller chose', async () => {
    const root = fakeClone();
    const mine = path.join(root, 'mine');
    fs.mkdirSync(mine);
    fs.writeFileSync(path.join(mine, 'index.html'), 'mine');
    let builds = 0;
    const run = await serveOnce(root, async () => void builds++, ['--static-dir', mine]);
    expect(run.code).toBe(0);
    expect(builds).toBe(0);
    expect(run.page!.text).toBe('mine');
  });

  it('a failed build is one error line with its code and exit 1, and nothing listens', async () => {
    const root = fakeClone();
    const run = await serveOnce(root, electronViteBuild);
    expect(run.code).toBe(1);
    const errorLines = run.stderr.split('\n').filter((l) => l.startsWith('error'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/^error \[internal\]: cannot build the window: .*electron-vite.* is missing; run npm install/);
    expect(run.page).toBeUndefined();
  });
});
