/** CLI words for agent sessions, unseal, fault injection and drills (issue 5). */
import { DRILL_SANDBOX_SLUG } from '../../core/seal/drill-sandbox';
import type { CommandSpec } from './commands';

export const SEAL_COMMANDS: CommandSpec[] = [
  { words: ['session', 'issue'], method: 'session.issue', stepUp: 'session', hiddenFields: ['step_up_token'], help: 'Issue an agent session (token shown once): --tenant S [--agent NAME] (asks for the passphrase).' },
  { words: ['session', 'check'], method: 'session.check', help: 'Is a session token live: --token T.' },
  { words: ['session', 'list'], method: 'session.list', help: "A tenant's agent sessions: --tenant S [--include-ended]." },
  { words: ['unseal'], method: 'tenant.unseal', stepUp: 'unseal', hiddenFields: ['step_up_token'], help: 'Try to unseal a sealed tenant now: --tenant S (asks for the passphrase).' },
  { words: ['fault', 'set'], method: 'fault.set', stepUp: 'fault', stepUpWhen: (i) => i.tenant !== DRILL_SANDBOX_SLUG, hiddenFields: ['step_up_token'], help: 'Drill fault injection (asks for the passphrase unless the tenant is the local sandbox): --tenant S --mode pass|deny|partition|key_disabled|latency|flaky [--latency-ms N] [--probability P].' },
  { words: ['fault', 'status'], method: 'fault.status', help: 'Fault injection in force: [--tenant S].' },
  {
    words: ['drill', 'run'],
    method: 'drill.run',
    stepUp: 'drill',
    stepUpWhen: (i) => i.real === true,
    hiddenFields: ['wait', 'step_up_token'],
    help: 'Kill-switch drill: --tenant S --scenario deny|partition|key_disabled [--agents N] [--kill-after D] [--restore-after D] [--duration D] [--real [--poll-interval D]] (D: 600, 90s, 10m, 1h; --real asks for the passphrase).',
  },
  { words: ['drill', 'list'], method: 'drill.list', help: 'Drills, newest first: [--tenant S] [--limit N].' },
  { words: ['drill', 'show'], method: 'drill.show', help: 'One drill with its timeline and results: --id ID.' },
  { words: ['drill', 'cancel'], method: 'drill.cancel', help: 'Stop a running drill (from another terminal): --id ID.' },
];
