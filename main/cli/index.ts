#!/usr/bin/env node
/** Entry point of `npm run keywarden -- <command>`. */
import { silenceSdkNodeVersionWarning } from '../node-warnings';
import { runCli } from './run';

// Before any AWS client is built: the SDK's Node 22 notice is not for CLI users (see node-warnings.ts).
silenceSdkNodeVersionWarning();

runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  stderrIsTTY: process.stderr.isTTY === true,
}).then((code) => {
  process.exitCode = code;
});
