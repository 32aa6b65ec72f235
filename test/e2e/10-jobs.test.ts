/**
 * `lnmt jobs`: jobs made, run, listed and removed from the CLI; a bad cron expression named by field and column;
 * built-in jobs; and `lnmt serve` running a job every second in the background, seen through the CLI and the API.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ESC, TempDirs, curl, ensureBuilt, freePort, lnmt, start, waitFor } from './helpers.js';

const dirs = new TempDirs();
let cwd: string;
const children: ChildProcess[] = [];
const run = (args: string[]) => lnmt(args, { cwd });

before(() => {
  ensureBuilt();
  cwd = dirs.make();
});
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  dirs.cleanup();
});

interface RunJson {
  status: string;
  trigger: string;
  attempt: number;
  summary: Record<string, unknown> | null;
}

describe('lnmt jobs', () => {
  it('a bad cron expression: exit 2, the field and column on stderr, nothing on stdout', async () => {
    const r = await run(['jobs', 'add', '--name', 'bad', '--type', 'store-optimize', '--cron', '0 25 * * *']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: invalid value for --cron \[LNMT_ERR_VALIDATION\]$/m);
    assert.match(r.stderr, /^ {2}--cron: field 2 \(hour\) at column 3: "25" is out of range 0-23; got "0 25 \* \* \*"; allowed: 0-23, \*, lists/m);
    assert.doesNotMatch(r.stderr, ESC);
  });

  it('bad flags are all reported at once, before the store is opened', async () => {
    const dir = dirs.make();
    const r = await lnmt(['jobs', 'add', '--name', 'x', '--type', 'scan', '--every', '5', '--retries', 'many', '--overlap', 'maybe'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /3 invalid options/);
    for (const flag of ['--every', '--retries', '--overlap']) assert.match(r.stderr, new RegExp(`^  ${flag}: `, 'm'));
    const { readdirSync } = await import('node:fs');
    assert.deepEqual(readdirSync(dir), [], 'no data directory created');
  });

  it('list: the built-in jobs on a fresh data directory', async () => {
    const r = await run(['jobs', 'list']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME +TYPE +SCHEDULE +ENABLED +NEXT RUN \(UTC\) +LAST RUN +STATUS +BUILT-IN$/m);
    assert.match(r.stdout, /^maintenance +maintenance +every 1m +yes +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +- +- +yes$/m);
    assert.match(r.stdout, /^store-optimize +store-optimize +cron 30 4 \* \* \* \(.+\) +yes /m);
    assert.doesNotMatch(r.stdout, ESC);
  });

  it('add, run now (in the CLI process), history', async () => {
    const add = await run(['jobs', 'add', '--name', 'tick', '--type', 'store-optimize', '--every', '1s', '--timeout', '30s', '--retries', '1']);
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /^added job "tick" \(id [0-9a-f-]{36}\): every 1s; next run \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n$/);

    const now = await run(['jobs', 'run', 'tick']);
    assert.equal(now.code, 0, now.stderr);
    assert.match(now.stdout, /^run [0-9a-f-]{36} of "tick": succeeded in \d+ ms\n {2}dialect: sqlite\n/);
    assert.match(now.stderr, /running job "tick" \(store-optimize\)/);
    const json = await run(['jobs', 'run', 'tick', '--json']);
    const r = JSON.parse(json.stdout) as RunJson;
    assert.deepEqual([r.status, r.trigger, r.attempt, r.summary?.dialect], ['succeeded', 'manual', 1, 'sqlite']);

    const h = await run(['jobs', 'history', 'tick']);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /^SCHEDULED FOR \(UTC\) +TRIGGER +TRY +STATUS +STARTED \(UTC\) +DURATION +RUNNER +DETAIL$/m);
    assert.equal(h.stdout.match(/ manual +1 +succeeded /g)?.length, 2);
    assert.match(h.stdout, /1-2 of 2 runs of "tick"/);
  });

  it('built-in jobs cannot be removed (exit 1), only disabled; user jobs can', async () => {
    const rm = await run(['jobs', 'remove', 'maintenance']);
    assert.equal(rm.code, 1);
    assert.match(rm.stderr, /"maintenance" is a built-in job: it cannot be deleted, but it can be disabled \[LNMT_ERR_CONFLICT\]/);
    const off = await run(['jobs', 'edit', 'maintenance', '--disable']);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /^updated job "maintenance": every 1m \(disabled\); next run -$/m);
    assert.equal((await run(['jobs', 'add', '--name', 'temp', '--type', 'store-optimize', '--cron', '@daily'])).code, 0);
    const gone = await run(['jobs', 'remove', 'temp']);
    assert.equal(gone.code, 0, gone.stderr);
    assert.match(gone.stdout, /^removed job "temp" \(id [0-9a-f-]{36}\) and its run history$/m);
    assert.equal((await run(['jobs', 'history', 'temp'])).code, 1);
  });

  it('help documents the subcommands, cron syntax and where `run` runs', async () => {
    const top = await run(['jobs', '--help']);
    for (const c of ['list', 'types', 'add', 'edit', 'remove', 'run', 'history']) assert.match(top.stdout, new RegExp(`^  ${c}\\b`, 'm'), c);
    assert.match((await run(['jobs', 'add', '--help'])).stdout, /Schedules:[\s\S]*6 fields, seconds first[\s\S]*--catch-up once\|skip/);
    assert.match((await run(['jobs', 'run', '--help'])).stdout, /runs here, in the CLI process \(not in a running server\)/);
  });
});

describe('lnmt serve runs jobs in the background', () => {
  let server: ChildProcess;
  let port: number;
  let err = '';

  before(async () => {
    assert.equal((await run(['jobs', 'edit', 'tick', '--retries', '0'])).code, 0);
    port = await freePort();
    server = start(['serve', '--port', String(port)], { cwd });
    children.push(server);
    server.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    await waitFor(`lnmt serve on port ${port}`, async () => {
      if (server.exitCode !== null) throw new Error(`serve exited ${server.exitCode}: ${err}`);
      const r = await curl([`http://127.0.0.1:${port}/api/health`]).catch(() => null);
      return r?.status === 200 ? true : undefined;
    });
  });

  it('a job every second runs on schedule, and the CLI sees its runs', async () => {
    const runs = await waitFor('three scheduled runs of "tick"', async () => {
      const h = JSON.parse((await run(['jobs', 'history', 'tick', '--json', '--status', 'succeeded'])).stdout) as { items: RunJson[] };
      const scheduled = h.items.filter((r) => r.trigger === 'schedule');
      return scheduled.length >= 3 ? scheduled : undefined;
    }, 15_000, 200);
    assert.ok(runs.every((r) => r.status === 'succeeded'));
  });

  it('the API lists the job and runs it on request', async () => {
    const admin = (await run(['token', 'create', '--role', 'admin', '--name', 'e2e-jobs'])).stdout.trim();
    const list = await curl(['-H', `Authorization: Bearer ${admin}`, `http://127.0.0.1:${port}/api/scheduler/jobs`]);
    assert.equal(list.status, 200, list.body);
    assert.ok((JSON.parse(list.body) as { items: Array<{ name: string }> }).items.some((j) => j.name === 'tick'));
    const now = await curl(['-X', 'POST', '-H', `Authorization: Bearer ${admin}`, `http://127.0.0.1:${port}/api/scheduler/jobs/tick/run`]);
    assert.equal(now.status, 202, now.body);
    assert.equal((JSON.parse(now.body) as RunJson).trigger, 'manual');
  });

  it('SIGTERM stops the scheduler with the server (exit 0)', async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    assert.equal(await exited, 0, err);
    assert.doesNotMatch(err, /"level":(50|60)/, 'no error or fatal log lines');
    const h = JSON.parse((await run(['jobs', 'history', 'tick', '--json', '--status', 'running'])).stdout) as { total: number };
    assert.equal(h.total, 0, 'nothing left running');
  });
});
