import { migration001 } from './001-initial';
import { migration002 } from './002-rewrap-worker';
import { migration003 } from './003-seal-drills';
import { migration005 } from './005-evidence';
import { migration006 } from './006-evidence-results-checks';
import { migration007 } from './007-evidence-verdicts';
import { migration008 } from './008-record-name-binding';
import { migration009 } from './009-rewrap-physical-order';
import { migration011 } from './011-checks-and-policy';
import { migration015 } from './015-access-review';
import { migration016 } from './016-access-review-alerts';
import { migration017 } from './017-checkpoint-witnesses';
import { migration018 } from './018-archive-import';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** In order; each runs in its own transaction and sets PRAGMA user_version. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration005, migration006, migration007, migration008, migration009, migration011, migration015, migration016, migration017, migration018];
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
