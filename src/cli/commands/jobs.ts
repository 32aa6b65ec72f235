import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { AppContext } from '../../app/context.js';
import type { ErrorDetail } from '../../core/errors.js';
import type { FieldWhere, JobField } from '../../scheduler/job-limits.js';
import type { JobChanges, JobInput } from '../../scheduler/job-service.js';
import type { JobJson, RunJson } from '../../scheduler/job-view.js';
import { FlagCheck } from '../flags.js';
import { ago, dash, duration, renderTable, shortTime } from '../format.js';
import type { CliRuntime, CommandGroup } from '../runtime.js';

/** Kept here so `--help` does not load the scheduler. */
const OVERLAP = ['skip', 'queue'] as const;
const CATCH_UP = ['once', 'skip'] as const;
const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'timed_out', 'skipped'] as const;
const MAX_LIMIT = 1000;

const collect = (v: string, prev: string[]) => [...prev, v];

interface DefinitionOpts {
  name?: string;
  cron?: string;
  every?: string;
  tz?: string;
  param: string[];
  params?: string;
  overlap?: string;
  timeout?: string;
  retries?: string;
  retryDelay?: string;
  catchUp?: string;
  json?: boolean;
}

interface AddOpts extends DefinitionOpts {
  type: string;
  disabled?: boolean;
}

interface EditOpts extends DefinitionOpts {
  enable?: boolean;
  disable?: boolean;
}

/** How a job field is named in CLI errors. */
const FLAG: Record<JobField, string> = {
  name: '--name',
  type: '--type',
  cron: '--cron',
  every: '--every',
  timezone: '--tz',
  params: '--params',
  enabled: '--enable/--disable',
  overlap: '--overlap',
  timeout_ms: '--timeout',
  retries: '--retries',
  retry_delay_ms: '--retry-delay',
  catch_up: '--catch-up',
};
const flagWhere: FieldWhere = (field, path) => (field === 'params' && path ? `--param ${path}` : FLAG[field]);

const CRON_HELP = [
  '',
  'Schedules:',
  '  --cron "m h dom mon dow"      5 fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *" (03:00 daily)',
  '  --cron "s m h dom mon dow"    6 fields, seconds first, e.g. "*/30 * * * * *"',
  '  --cron @hourly|@daily|@weekly|@monthly|@yearly',
  '  fields take numbers, names (JAN-DEC, SUN-SAT), *, lists 1,15, ranges 1-5, steps */10 or 8-18/2;',
  '  day-of-month also L (last day); ? stands for * in the day fields; if both day fields are restricted,',
  '  either matching is enough. Times are in --tz, else scheduler.timezone, else the system zone.',
  '  --every 30s|5m|1h30m|1d       a fixed interval instead (its first run is one interval from now)',
  '',
  'Policies:',
  '  --overlap skip|queue          a run due while the previous one still runs is skipped, or waits (one at most)',
  '  --timeout 10m                 the run is aborted and ends timed_out',
  '  --retries 3 --retry-delay 30s after a failure or timeout, retry after 30s, 60s, 120s (scheduler.maxRetryDelayMs caps it)',
  '  --catch-up once|skip          runs missed while no scheduler ran: run one at start, or skip them',
].join('\n');

/** `lnmt jobs list|types|add|edit|remove|run|history`: the scheduler from the terminal. */
export const jobsCommands: CommandGroup = {
  name: 'jobs',
  register(program, rt) {
    const jobs = program.command('jobs').description('scheduled jobs (scans, check batches, maintenance, ...): list, add, edit, remove, run now, history');

    jobs
      .command('list')
      .alias('ls')
      .description('list jobs with their schedule, next run and latest run')
      .option('--json', 'print {items} as JSON')
      .action(async (opts, cmd) => list(rt, cmd as unknown as CommandUnknownOpts, opts));

    jobs
      .command('types')
      .description('list the job types this installation knows, with their parameters')
      .option('--json', 'print the types with their parameter schemas as JSON')
      .action(async (opts, cmd) => types(rt, cmd as unknown as CommandUnknownOpts, opts));

    withDefinitionFlags(
      jobs
        .command('add')
        .description('add a job; a running `lnmt serve` picks it up within scheduler.pollIntervalMs')
        .requiredOption('--name <name>', 'a unique name (letters, digits, . _ -)')
        .requiredOption('--type <type>', 'job type: scan, checks, maintenance, store-optimize, ... (see `lnmt jobs types`)')
        .option('--disabled', 'store it without scheduling it'),
    )
      .addHelpText('after', `${CRON_HELP}\n\nExamples:\n  lnmt jobs add --name nightly-scan --type scan --cron "0 3 * * *" --tz Europe/Berlin --param targets=192.168.1.0/24\n  lnmt jobs add --name web-checks --type checks --every 5m --param tags=web --timeout 2m --retries 2\n  lnmt jobs add --name lab --type scan --every 1h --params '{"targets":["10.0.0.0/24"],"noCache":true}' --overlap queue`)
      .action(async (opts, cmd) => add(rt, cmd as unknown as CommandUnknownOpts, opts as unknown as AddOpts));

    withDefinitionFlags(
      jobs
        .command('edit')
        .description('change a job (built-in jobs too); flags left out keep their values')
        .argument('<job>', 'job id or name')
        .option('--name <name>', 'rename the job')
        .option('--enable', 'schedule it again (from now)')
        .option('--disable', 'stop scheduling it (built-in jobs cannot be removed, only disabled)'),
    )
      .addHelpText('after', `${CRON_HELP}\n  --tz default                  go back to scheduler.timezone\n  --param/--params              replace all parameters`)
      .action(async (ref, opts, cmd) => edit(rt, cmd as unknown as CommandUnknownOpts, ref, opts as unknown as EditOpts));

    jobs
      .command('remove')
      .alias('rm')
      .description('remove a job and its run history (built-in jobs can only be disabled)')
      .argument('<job>', 'job id or name')
      .option('--json', 'print the removed job as JSON')
      .action(async (ref, opts, cmd) => remove(rt, cmd as unknown as CommandUnknownOpts, ref, opts));

    jobs
      .command('run')
      .description('run a job now, in this process, and wait for it')
      .argument('<job>', 'job id or name')
      .option('--json', 'print the run as JSON')
      .addHelpText('after', [
        '',
        'The job runs here, in the CLI process (not in a running server), with the job\'s timeout; Ctrl-C stops it.',
        'Its overlap policy holds across processes: if a run of the job is in progress anywhere (e.g. in `lnmt serve`),',
        'this one is skipped, or with --overlap queue it is queued and the server starts it when the other ends.',
        'A failed run is retried by the scheduler of `lnmt serve` if the job has retries.',
        'Exit code: 0 succeeded or queued, 1 failed, timed out or skipped, 130 interrupted.',
      ].join('\n'))
      .action(async (ref, opts, cmd) => run(rt, cmd as unknown as CommandUnknownOpts, ref, opts));

    jobs
      .command('history')
      .description("a job's runs, newest first")
      .argument('<job>', 'job id or name')
      .option('--status <status>', `only runs with this status: ${STATUSES.join(', ')}`)
      .option('--limit <n>', `runs per page (1..${MAX_LIMIT})`, '20')
      .option('--offset <n>', 'skip this many runs', '0')
      .option('--json', 'print {job, items, total, limit, offset} as JSON')
      .action(async (ref, opts, cmd) => history(rt, cmd as unknown as CommandUnknownOpts, ref, opts));
  },
};

function withDefinitionFlags<C extends CommandUnknownOpts>(cmd: C): C {
  cmd
    .option('--cron <expr>', 'cron schedule, e.g. "0 3 * * *" (see below)')
    .option('--every <duration>', 'fixed interval instead of cron: 30s, 5m, 1h')
    .option('--tz <zone>', 'IANA time zone of the cron schedule, e.g. Europe/Berlin (default: scheduler.timezone)')
    .option('--param <key=value>', 'a job parameter, repeatable (lists: comma-separated or repeated)', collect, [] as string[])
    .option('--params <json>', 'all job parameters as a JSON object')
    .option('--overlap <policy>', `when the previous run still runs: ${OVERLAP.join(' or ')} (default: scheduler.defaults.overlap)`)
    .option('--timeout <duration>', 'abort a run after this long, e.g. 10m (default: scheduler.defaults.timeoutMs)')
    .option('--retries <n>', 'retries after a failed run (default: scheduler.defaults.retries)')
    .option('--retry-delay <duration>', 'delay before the first retry, doubling each time (default: scheduler.defaults.retryDelayMs)')
    .option('--catch-up <policy>', `runs missed while stopped: ${CATCH_UP.join(' or ')} (default: scheduler.defaults.catchUp)`)
    .option('--json', 'print the job as JSON');
  return cmd;
}

/** Checks the flags that need no store (values, ranges, durations), so typos fail before anything is opened. */
async function definitionFromFlags(check: FlagCheck, o: DefinitionOpts): Promise<JobChanges> {
  const { parseDuration, DURATION_ALLOWED } = await import('../../scheduler/duration.js');
  const { JOB_LIMITS } = await import('../../scheduler/job-limits.js');
  const ms = (flag: string, raw: string | undefined, limits: { min: number; max: number }): number | undefined => {
    if (raw === undefined) return undefined;
    const v = parseDuration(raw);
    if (v === null || v < limits.min || v > limits.max) {
      check.add({ where: flag, value: raw, message: v === null ? 'not a duration' : 'out of range', allowed: `${DURATION_ALLOWED}, from ${limits.min} ms to ${limits.max / 86_400_000} days` });
      return undefined;
    }
    return v;
  };
  // Schedule and zone are checked here too (the service checks them again), so a typo never opens the store.
  const { JobInputCheck } = await import('../../scheduler/job-input.js');
  const early = new JobInputCheck(flagWhere);
  if (o.cron !== undefined) early.cron(o.cron);
  if (o.every !== undefined) early.every(o.every);
  if (o.tz !== undefined && o.tz.trim().toLowerCase() !== 'default') early.timeZone(o.tz);
  for (const d of early.details) check.add(d);
  const c: JobChanges = {};
  if (o.name !== undefined) c.name = check.text('--name', o.name, 64);
  if (o.cron !== undefined) c.cron = o.cron;
  if (o.every !== undefined) c.every = o.every;
  if (o.tz !== undefined) c.timezone = o.tz.trim().toLowerCase() === 'default' ? null : o.tz;
  c.overlap = check.choice('--overlap', o.overlap, OVERLAP);
  c.catch_up = check.choice('--catch-up', o.catchUp, CATCH_UP);
  c.timeout_ms = ms('--timeout', o.timeout, JOB_LIMITS.timeoutMs);
  c.retry_delay_ms = ms('--retry-delay', o.retryDelay, JOB_LIMITS.retryDelayMs);
  c.retries = check.int('--retries', o.retries, JOB_LIMITS.retries);
  return c;
}

/** The job type's parameters from --params/--param, typed by its schema (needs the registry: after the store opens). */
async function paramsFor(ctx: AppContext, type: string, o: DefinitionOpts): Promise<unknown> {
  if (o.params === undefined && o.param.length === 0) return undefined;
  const jobType = ctx.scheduler.types.get(type);
  if (!jobType) return undefined; // the unknown type is reported against --type
  const { paramsFromFlags } = await import('../../scheduler/param-flags.js');
  const check = new FlagCheck();
  const params = paramsFromFlags(jobType.params, o.param, o.params, (d: ErrorDetail) => check.add(d));
  check.done();
  return params;
}

async function add(rt: CliRuntime, cmd: CommandUnknownOpts, o: AddOpts): Promise<void> {
  const check = new FlagCheck();
  const def = await definitionFromFlags(check, o);
  if (o.cron !== undefined && o.every !== undefined) check.add({ where: '--cron/--every', message: 'give either --cron or --every, not both', allowed: 'one schedule' });
  if (o.cron === undefined && o.every === undefined) check.add({ where: '--cron/--every', message: 'a schedule is required', allowed: '--cron "0 3 * * *" or --every 5m' });
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const input: JobInput = { ...def, name: def.name!, type: o.type, params: await paramsFor(ctx, o.type, o), enabled: !o.disabled };
    const job = await ctx.scheduler.jobs.create(input, flagWhere);
    if (o.json) return rt.json(job);
    rt.print(`added job "${job.name}" (id ${job.id}): ${await scheduleLine(job)}; next run ${job.next_run_at ? `${shortTime(Date.parse(job.next_run_at))} UTC` : '-'}`);
  });
}

async function edit(rt: CliRuntime, cmd: CommandUnknownOpts, ref: string, o: EditOpts): Promise<void> {
  const check = new FlagCheck();
  const changes = await definitionFromFlags(check, o);
  if (o.cron !== undefined && o.every !== undefined) check.add({ where: '--cron/--every', message: 'give either --cron or --every, not both', allowed: 'one schedule' });
  if (o.enable && o.disable) check.add({ where: '--enable/--disable', message: 'give one of them', allowed: '--enable or --disable' });
  if (o.enable) changes.enabled = true;
  if (o.disable) changes.enabled = false;
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const row = await ctx.scheduler.jobs.find(ref, '<job>');
    const params = await paramsFor(ctx, row.type, o);
    if (params !== undefined) changes.params = params;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as JobChanges;
    if (Object.keys(defined).length === 0) {
      const none = new FlagCheck();
      none.add({ where: '<job>', value: ref, message: 'nothing to change', allowed: 'at least one of --name, --cron, --every, --tz, --param, --params, --overlap, --timeout, --retries, --retry-delay, --catch-up, --enable, --disable' });
      none.done();
    }
    const job = await ctx.scheduler.jobs.update(row.id, defined, flagWhere, '<job>');
    if (o.json) return rt.json(job);
    rt.print(`updated job "${job.name}": ${await scheduleLine(job)}${job.enabled ? '' : ' (disabled)'}; next run ${job.next_run_at ? `${shortTime(Date.parse(job.next_run_at))} UTC` : '-'}`);
  });
}

async function list(rt: CliRuntime, cmd: CommandUnknownOpts, o: { json?: boolean }): Promise<void> {
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const items = await ctx.scheduler.jobs.list();
    if (o.json) return rt.json({ items });
    if (items.length === 0) return rt.print('no jobs (add one with `lnmt jobs add`)');
    const { scheduleText } = await import('../../scheduler/job-view.js');
    const now = Date.now();
    rt.print(
      renderTable(
        ['NAME', 'TYPE', 'SCHEDULE', 'ENABLED', 'NEXT RUN (UTC)', 'LAST RUN', 'STATUS', 'BUILT-IN'].map((h) => rt.c.bold(h)),
        items.map((j) => [
          j.name,
          j.type,
          scheduleText(j),
          j.enabled ? 'yes' : rt.c.yellow('no'),
          j.next_run_at ? shortTime(Date.parse(j.next_run_at)) : '-',
          j.last_run ? ago(Date.parse(j.last_run.created_at), now) : '-',
          j.last_run ? statusText(rt, j.last_run.status) : '-',
          j.builtin ? 'yes' : '',
        ]),
      ),
    );
  });
}

async function types(rt: CliRuntime, cmd: CommandUnknownOpts, o: { json?: boolean }): Promise<void> {
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const all = ctx.scheduler.types.list();
    if (o.json) return rt.json(all.map((t) => ({ name: t.name, description: t.description, params: t.params })));
    rt.print(
      renderTable(
        ['TYPE', 'PARAMETERS', 'DESCRIPTION'].map((h) => rt.c.bold(h)),
        all.map((t) => {
          const s = t.params as unknown as { properties?: Record<string, unknown>; required?: string[] };
          const params = Object.keys(s.properties ?? {}).map((k) => (s.required?.includes(k) ? k : `${k}?`));
          return [t.name, params.length > 0 ? params.join(' ') : '-', t.description];
        }),
      ),
    );
  });
}

async function remove(rt: CliRuntime, cmd: CommandUnknownOpts, ref: string, o: { json?: boolean }): Promise<void> {
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const job = await ctx.scheduler.jobs.remove(ref, '<job>');
    if (o.json) return rt.json(job);
    rt.print(`removed job "${job.name}" (id ${job.id}) and its run history`);
  });
}

async function run(rt: CliRuntime, cmd: CommandUnknownOpts, ref: string, o: { json?: boolean }): Promise<void> {
  const loaded = await rt.loadConfig(cmd);
  // Events on: a run publishes job.run_started/finished (and its scan or checks their own), stored like a server's.
  await rt.withContext(loaded, { persistEvents: true }, async (ctx) => {
    const { runView } = await import('../../scheduler/job-view.js');
    const job = await ctx.scheduler.jobs.find(ref, '<job>');
    const placed = await ctx.scheduler.runNow(job.id, '<job>');
    let final = placed.run;
    if (placed.done) {
      if (!o.json) rt.note(`running job "${job.name}" (${job.type}), run ${placed.run.id}; Ctrl-C stops it`);
      let interrupted = false;
      rt.onSignal(['SIGINT', 'SIGTERM'], () => {
        if (interrupted) process.exit(130);
        interrupted = true;
        rt.note('interrupted: stopping the run (again to force quit)');
        ctx.scheduler.interrupt('interrupted: stopped from the terminal');
      });
      final = await placed.done;
      if (interrupted) rt.exitCode = 130;
    }
    const view = runView(final);
    if (view.status !== 'succeeded' && view.status !== 'queued' && rt.exitCode === 0) rt.exitCode = 1;
    if (o.json) return rt.json(view);
    printRun(rt, job.name, view);
  });
}

function printRun(rt: CliRuntime, name: string, r: RunJson): void {
  const took = r.duration_ms === null ? '' : ` in ${duration(r.duration_ms)}`;
  rt.print(`run ${r.id} of "${name}": ${statusText(rt, r.status)}${r.status === 'skipped' || r.status === 'queued' ? '' : took}`);
  if (r.status === 'queued') rt.print('queued behind the run in progress; the scheduler of `lnmt serve` starts it when that one ends');
  if (r.summary) for (const [k, v] of Object.entries(r.summary)) rt.print(`  ${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`);
  if (r.error) rt.print(`  error: ${r.error.split('\n').join('\n    ')}`);
}

interface HistoryOpts {
  status?: string;
  limit: string;
  offset: string;
  json?: boolean;
}

async function history(rt: CliRuntime, cmd: CommandUnknownOpts, ref: string, o: HistoryOpts): Promise<void> {
  const check = new FlagCheck();
  const status = check.choice('--status', o.status, STATUSES);
  const limit = check.int('--limit', o.limit, { min: 1, max: MAX_LIMIT }) ?? 20;
  const offset = check.int('--offset', o.offset, { min: 0, max: Number.MAX_SAFE_INTEGER }) ?? 0;
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const page = await ctx.scheduler.jobs.history(ref, { limit, offset, status }, '<job>');
    if (o.json) return rt.json(page);
    if (page.items.length === 0) {
      rt.print(page.total === 0 ? `job "${page.job.name}" has no runs${status ? ` with status ${status}` : ''}` : `no runs at offset ${offset} (${page.total} in total)`);
      return;
    }
    rt.print(
      renderTable(
        ['SCHEDULED FOR (UTC)', 'TRIGGER', 'TRY', 'STATUS', 'STARTED (UTC)', 'DURATION', 'RUNNER', 'DETAIL'].map((h) => rt.c.bold(h)),
        page.items.map((r) => [
          shortTime(Date.parse(r.scheduled_for)),
          r.trigger,
          String(r.attempt),
          statusText(rt, r.status),
          r.started_at ? shortTime(Date.parse(r.started_at)) : '-',
          r.duration_ms === null ? '-' : duration(r.duration_ms),
          dash(r.runner),
          detail(r),
        ]),
      ),
    );
    const last = offset + page.items.length;
    rt.print(rt.c.dim(`${offset + 1}-${last} of ${page.total} run${page.total === 1 ? '' : 's'} of "${page.job.name}"${last < page.total ? ` (next page: --offset ${last})` : ''}`));
  });
}

/** The error's first line, or the summary as `key=value` pairs, cut to fit a table. */
function detail(r: RunJson): string {
  const text = r.error
    ? r.error.split('\n')[0]!
    : r.summary
      ? Object.entries(r.summary).map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`).join(' ')
      : '';
  return text.length > 100 ? `${text.slice(0, 99)}…` : text || '-';
}

function statusText(rt: CliRuntime, s: string): string {
  if (s === 'succeeded') return rt.c.green(s);
  if (s === 'failed' || s === 'timed_out') return rt.c.red(s);
  if (s === 'running') return rt.c.cyan(s);
  return rt.c.yellow(s);
}

async function scheduleLine(j: JobJson): Promise<string> {
  const { scheduleText } = await import('../../scheduler/job-view.js');
  return scheduleText(j);
}
