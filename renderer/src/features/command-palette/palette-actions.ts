/**
 * What the command palette can do: the main actions (each runs through the same stores
 * as its screen's own button) and "go to" every screen. Kept apart from the component so
 * the list reads in one place.
 */
import type { Services } from '../../app/services';
import type { ScreenId } from '../../app/nav-store';

export interface PaletteAction {
  id: string;
  label: string;
  /** Extra words the filter matches. */
  keywords: string;
  hint: string;
  /** Returns what the palette should open next, if anything (the rotate dialog). */
  run(services: Services): 'rotate-dialog' | void;
  /** Where keyboard focus goes once the screen shows (a CSS selector): the form the action leads to. */
  focus?: string;
}

const go = (screen: ScreenId, label: string, keywords: string): PaletteAction => ({
  id: `go-${screen}`,
  label: `Go to ${label}`,
  keywords,
  hint: 'Screen',
  run: (s) => s.nav.getState().go(screen),
});

export const PALETTE_ACTIONS: PaletteAction[] = [
  {
    id: 'verify-audit',
    label: 'Verify audit log',
    keywords: 'audit chain merkle checkpoint tamper verify',
    hint: 'Re-hash every entry and check the signed checkpoints',
    run: (s) => {
      s.nav.getState().go('audit');
      void s.audit.getState().verify();
    },
  },
  {
    id: 'rotate',
    label: 'Rotate master key…',
    keywords: 'rotate key version new',
    hint: 'Step-up; a rewrap moves the records',
    run: (s) => {
      s.nav.getState().go('keys');
      return 'rotate-dialog';
    },
  },
  {
    id: 'crosscheck',
    label: 'Cross-check provider logs',
    keywords: 'evidence crosscheck cloudtrail audit logs provider_only',
    hint: 'Match KMS calls against the provider’s own log',
    run: (s) => {
      s.nav.getState().go('evidence');
      void s.evidence.getState().crosscheck();
    },
  },
  {
    id: 'fetch-logs',
    label: 'Fetch provider logs',
    keywords: 'evidence fetch cloudtrail read',
    hint: 'Read each provider log since it was last read',
    run: (s) => {
      s.nav.getState().go('evidence');
      void s.evidence.getState().fetchLogs();
    },
  },
  {
    id: 'export',
    label: 'Export evidence package…',
    keywords: 'report soc2 export pdf zip auditor',
    hint: 'Choose the period on Reports',
    run: (s) => s.nav.getState().go('reports'),
    focus: '#report-from',
  },
  {
    id: 'drill',
    label: 'Run a drill…',
    keywords: 'drill kill switch seal simulate',
    hint: 'Choose the tenant and scenario on Drills',
    run: (s) => s.nav.getState().go('drills'),
    focus: '[data-palette-target="drill"]',
  },
  go('overview', 'Overview', 'home status summary problems'),
  go('tenants', 'Tenants', 'tenant onboard kms'),
  go('keys', 'Key versions', 'keys versions rewrap revoke'),
  go('records', 'Records', 'records names tables versions'),
  go('calls', 'KMS calls', 'kms calls wrap unwrap simulated correlation'),
  go('audit', 'Audit trail', 'audit log entries'),
  go('evidence', 'Evidence', 'evidence crosscheck'),
  go('drills', 'Drills', 'drills'),
  go('reports', 'Reports', 'reports export'),
  go('settings', 'Settings', 'settings checks policy'),
];

/** Actions whose label or keywords contain every word typed, in list order. */
export function filterActions(actions: PaletteAction[], query: string): PaletteAction[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return actions.filter((a) => {
    const text = `${a.label} ${a.keywords}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
