import { migration001 } from './001-initial';
import { migration002 } from './002-rewrap-worker';
import { migration003 } from './003-seal-drills';
import { migration005 } from './005-evidence';
import { migration006 } from './006-evidence-results-checks';
import { migration007 } from './007-evidence-verdicts';
import { migration008 } from './008-record-name-binding';
import { migration009 } from './009-rewrap-physical-order';
import { migration011 } from './011-checks-and-policy';
import { migration014 } from './014-archive-import';
import { migration015 } from './015-access-review';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** In order; each runs in its own transaction and sets PRAGMA user_version. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration005, migration006, migration007, migration008, migration009, migration011, migration014, migration015];
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
