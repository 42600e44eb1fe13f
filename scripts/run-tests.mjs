#!/usr/bin/env node
// The whole test suite, in the order a failure is cheapest to find: typecheck, lint,
// unit + integration (vitest `unit`), then the renderer build and the browser suite
// (vitest `browser`, Debian chromium via playwright-core). Prints one closing line
// "N passed, N failed" that counts every vitest test, and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const artifacts = path.join(root, 'test-artifacts');
fs.mkdirSync(artifacts, { recursive: true });

const env = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', METADATA_SERVER_DETECTION: 'none', NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --no-deprecation`.trim() };
let passed = 0;
let failed = 0;
let broken = [];

function step(name, cmd, args) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) broken.push(name);
  return r.status === 0;
}

function vitest(project) {
  const out = path.join(artifacts, `vitest-${project}.json`);
  fs.rmSync(out, { force: true });
  step(`vitest ${project}`, 'npx', ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  if (!fs.existsSync(out)) {
    failed++;
    return;
  }
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  if (report.numTotalTests === 0) {
    console.error(`vitest ${project} ran no test`);
    broken.push(`vitest ${project} (no tests)`);
  }
}

step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
step('lint', 'npm', ['run', '--silent', 'lint']);
vitest('unit');
if (step('build', 'npx', ['electron-vite', 'build'])) vitest('browser');

console.log('');
if (broken.length) console.log(`failed steps: ${broken.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(broken.length || failed ? 1 : 0);
