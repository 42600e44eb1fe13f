/**
 * The GCP witness target: the Cloud Logging log the checkpoints go to, as its full log
 * name `projects/<project>/logs/<log id>`. A bare `projects/<project>` means the default
 * log `keywarden-checkpoints` in that project.
 */
import { invalidInput } from '../../errors';
import { CHECKPOINT_LOG_ID } from './entry';

// Project ids as Cloud KMS paths accept them (config.ts), log ids as Cloud Logging does (no "/": it would need escaping).
const PROJECT_RE = /^(?:(?:[a-z][a-z0-9.-]{0,61}[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]|[0-9]{1,20})$/;
const LOG_ID_RE = /^[A-Za-z0-9_.-]{1,511}$/;

export interface GcpWitnessTarget {
  project: string;
  logId: string;
  /** `projects/<project>/logs/<log id>`, as entries carry it in `logName`. */
  logName: string;
}

export function parseGcpWitnessTarget(ref: string): GcpWitnessTarget {
  const parts = ref.split('/');
  if (parts[0] !== 'projects' || (parts.length !== 2 && parts.length !== 4) || (parts.length === 4 && parts[2] !== 'logs')) {
    throw invalidInput('target_ref', `expected projects/<project> or projects/<project>/logs/<log id>, got ${JSON.stringify(ref.slice(0, 200))}`);
  }
  const project = parts[1] ?? '';
  if (!PROJECT_RE.test(project)) throw invalidInput('target_ref', `'${project.slice(0, 100)}' is not a GCP project id or number`);
  const logId = parts[3] ?? CHECKPOINT_LOG_ID;
  if (!LOG_ID_RE.test(logId)) throw invalidInput('target_ref', `log id '${logId.slice(0, 100)}' must be 1-511 letters, digits, '_', '-' or '.'`);
  return { project, logId, logName: `projects/${project}/logs/${logId}` };
}
