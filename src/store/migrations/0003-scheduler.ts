import { sql, type Kysely } from 'kysely';

/**
 * Scheduler: job definitions and run history. Partial unique indexes make the overlap rules hold in the
 * database itself, whichever process inserts: at most one running and one queued run per job, and one run per
 * (job, scheduled time, attempt) for everything but manual runs.
 */
export async function up(db: Kysely<any>, _dialect: 'sqlite' | 'postgres'): Promise<void> {
  const ms = 'bigint';

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('cron', 'text')
    .addColumn('every_ms', ms)
    .addColumn('timezone', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('builtin', 'text')
    .addColumn('overlap', 'text', (c) => c.notNull())
    .addColumn('timeout_ms', ms, (c) => c.notNull())
    .addColumn('retries', 'integer', (c) => c.notNull())
    .addColumn('retry_delay_ms', ms, (c) => c.notNull())
    .addColumn('catch_up', 'text', (c) => c.notNull())
    .addColumn('next_run_at', ms)
    .addColumn('retry_at', ms)
    .addColumn('retry_attempt', 'integer')
    .addColumn('retry_scheduled_for', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_name_uq').on('jobs').column('name').unique().execute();
  await db.schema.createIndex('jobs_builtin_uq').on('jobs').column('builtin').unique().execute();
  await db.schema.createIndex('jobs_next_run_at').on('jobs').column('next_run_at').execute();

  await db.schema
    .createTable('job_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('scheduled_for', ms, (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('started_at', ms)
    .addColumn('ended_at', ms)
    .addColumn('duration_ms', ms)
    .addColumn('summary', 'text')
    .addColumn('error', 'text')
    .addColumn('runner', 'text')
    .addColumn('lease_until', ms)
    .execute();
  await db.schema.createIndex('job_runs_job_created').on('job_runs').columns(['job_id', 'created_at']).execute();
  await db.schema.createIndex('job_runs_status_lease').on('job_runs').columns(['status', 'lease_until']).execute();
  await db.schema.createIndex('job_runs_created').on('job_runs').column('created_at').execute();
  await db.schema.createIndex('job_runs_occurrence_uq').on('job_runs').columns(['job_id', 'scheduled_for', 'attempt']).unique().where(sql.ref('trigger'), '<>', 'manual').execute();
  await db.schema.createIndex('job_runs_one_running_uq').on('job_runs').column('job_id').unique().where(sql.ref('status'), '=', 'running').execute();
  await db.schema.createIndex('job_runs_one_queued_uq').on('job_runs').column('job_id').unique().where(sql.ref('status'), '=', 'queued').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['job_runs', 'jobs']) await db.schema.dropTable(t).ifExists().execute();
}
