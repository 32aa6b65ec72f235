import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { LnmtError } from '../../core/errors.js';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-monitor.js';
import * as m0003 from './0003-scheduler.js';
import * as m0004 from './0004-notify.js';
import * as m0005 from './0005-honeynet.js';
import * as m0006 from './0006-threat.js';
import * as m0007 from './0007-decisions.js';
import * as m0008 from './0008-threat-outbox.js';
import * as m0009 from './0009-threat-ip-indexes.js';
import * as m0010 from './0010-threat-write-behind.js';
import * as m0011 from './0011-events-session-index.js';

type Dialect = 'sqlite' | 'postgres';

/** Versioned migrations, in order. Add a file `NNNN-what.ts` and list it here. */
const MIGRATIONS: Array<[string, { up(db: Kysely<any>, d: Dialect): Promise<void>; down?(db: Kysely<any>): Promise<void> }]> = [
  ['0001-initial', m0001],
  ['0002-monitor', m0002],
  ['0003-scheduler', m0003],
  ['0004-notify', m0004],
  ['0005-honeynet', m0005],
  ['0006-threat', m0006],
  ['0007-decisions', m0007],
  ['0008-threat-outbox', m0008],
  ['0009-threat-ip-indexes', m0009],
  ['0010-threat-write-behind', m0010],
  ['0011-events-session-index', m0011],
];

class ListProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, m] of MIGRATIONS) {
      const mig: Migration = { up: (db) => m.up(db, this.dialect) };
      if (m.down) mig.down = m.down;
      out[name] = mig;
    }
    return out;
  }
}

export async function migrateToLatest(db: Kysely<any>, dialect: Dialect): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new ListProvider(dialect), migrationTableName: 'lnmt_migrations', migrationLockTableName: 'lnmt_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new LnmtError('LNMT_ERR_STORE', 'database migration failed', { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
