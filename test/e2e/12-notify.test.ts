/**
 * `lnmt notify`: channels made and removed from the CLI, `notify test` against a real local HTTP receiver (signed
 * JSON), the delivery log, usage errors; and `lnmt serve` delivering an alert raised by a loopback scan.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { httpReceiver, refusedPort } from '../notify/helpers.js';
import { ESC, TempDirs, curl, ensureBuilt, freePort, lnmt, start, waitFor } from './helpers.js';

const dirs = new TempDirs();
let cwd: string;
let rx: Awaited<ReturnType<typeof httpReceiver>>;
const children: ChildProcess[] = [];
const run = (args: string[]) => lnmt(args, { cwd });

before(async () => {
  ensureBuilt();
  cwd = dirs.make();
  rx = await httpReceiver();
});
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await rx.close();
  dirs.cleanup();
});

describe('lnmt notify channels and notify test', () => {
  it('channels add: prints the new channel; secrets never appear in list output', async () => {
    const r = await run(['notify', 'channels', 'add', 'hook', '--type', 'webhook', '--url', `${rx.url}/lnmt`, '--secret', 'e2e-key', '--events', 'check.*,device.*', '--min-severity', 'notice']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^added webhook channel "hook" \\(id [0-9a-f-]{36}\\): ${rx.url}/lnmt\\n$`));
    assert.match(r.stderr, /try it: lnmt notify test hook/);
    const port = await refusedPort();
    assert.equal((await run(['notify', 'channels', 'add', 'dead', '--type', 'syslog', '--host', '127.0.0.1', '--port', String(port), '--transport', 'tcp'])).code, 0);

    const list = await run(['notify', 'channels', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^NAME +TYPE +ENABLED +SOURCE +TARGET +FILTER +ID +PROBLEM$/m);
    assert.match(list.stdout, new RegExp(`^hook +webhook +yes +store +${rx.url}/lnmt +check\\.\\*,device\\.\\* >=notice +[0-9a-f-]{36} +-$`, 'm'));
    assert.match(list.stdout, new RegExp(`^dead +syslog +yes +store +tcp://127\\.0\\.0\\.1:${port} +all`, 'm'));
    assert.doesNotMatch(list.stdout, ESC);
    const json = await run(['notify', 'channels', 'list', '--json']);
    assert.equal(JSON.parse(json.stdout).find((c: { name: string }) => c.name === 'hook').settings.secret, '***');
    assert.ok(!(list.stdout + json.stdout).includes('e2e-key'));
  });

  it('notify test <channel>: sends a signed test message and prints the delivery result', async () => {
    const r = await run(['notify', 'test', 'hook']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^channel: +hook \(webhook, [0-9a-f-]{36}\)$/m);
    assert.match(r.stdout, /^status: +sent$/m);
    assert.match(r.stdout, /^attempts: +1$/m);
    assert.match(r.stdout, /^latency: +\d+ ms$/m);
    assert.match(r.stdout, /^detail: +HTTP 204$/m);
    assert.match(r.stdout, /^error: +-$/m);
    const req = rx.requests.at(-1)!;
    assert.equal(req.url, '/lnmt');
    const body = JSON.parse(req.body);
    assert.deepEqual([body.rule, body.title, body.severity, body.event], ['test', 'LNMT test message', 'info', null]);
    const ts = String(req.headers['x-lnmt-timestamp']);
    assert.equal(req.headers['x-lnmt-signature'], `sha256=${createHmac('sha256', 'e2e-key').update(`${ts}.${req.body}`).digest('hex')}`);
  });

  it('a failing channel: status failed with the reason, exit 1; --json gives the result object', async () => {
    const r = await run(['notify', 'test', 'dead', '--json']);
    assert.equal(r.code, 1);
    const res = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(res), ['channel', 'status', 'attempts', 'latency_ms', 'detail', 'error']);
    assert.equal(res.status, 'failed');
    assert.match(res.error, /^syslog tcp 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
  });

  it('notify log: both tests, newest first; --status filters', async () => {
    const r = await run(['notify', 'log']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.split('\n').filter((l) => /^\d{4}-/.test(l));
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /^\S+ \S+ +dead +test +failed +1 +\d+ ms +test:dead +syslog tcp/);
    assert.match(rows[1]!, /^\S+ \S+ +hook +test +sent +1 +\d+ ms +test:hook +HTTP 204$/);
    const failed = JSON.parse((await run(['notify', 'log', '--status', 'failed', '--json'])).stdout);
    assert.deepEqual([failed.total, failed.items[0].channel_name], [1, 'dead']);
  });

  it('usage errors name the flag and exit 2; an unknown channel exits 1', async () => {
    const bad = await run(['notify', 'channels', 'add', 'x', '--type', 'webhook', '--url', 'ftp://example.org/x', '--host', 'h']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /^ {2}--url: only http and https are allowed; got "ftp:\/\/example.org\/x"; allowed: an http:\/\/ or https:\/\/ URL$/m);
    assert.match(bad.stderr, /^ {2}--host: unknown setting; allowed: settings of a webhook channel: url, secret, headers$/m);
    const type = await run(['notify', 'channels', 'add', 'x', '--type', 'pager']);
    assert.equal(type.code, 2);
    assert.match(type.stderr, /--type: not an accepted value; got "pager"; allowed: one of webhook, slack, discord, email, syslog, log/);
    const taken = await run(['notify', 'channels', 'add', 'hook', '--type', 'log']);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /a notification channel named "hook" already exists/);
    const missing = await run(['notify', 'test', 'nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no notification channel with id or name "nope"/);
  });

  it('channels remove', async () => {
    const r = await run(['notify', 'channels', 'remove', 'dead']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^removed syslog channel "dead" \(id [0-9a-f-]{36}\)$/m);
    assert.equal((await run(['notify', 'channels', 'remove', 'dead'])).code, 1);
  });
});

describe('lnmt serve delivers alerts', () => {
  it('a new device found by a scan through the API reaches the webhook, and the delivery log shows it', async () => {
    const admin = (await run(['token', 'create', '--role', 'admin', '--name', 'e2e'])).stdout.trim();
    const port = await freePort();
    const closed = await freePort();
    const server = start(['serve', '--port', String(port)], { cwd });
    children.push(server);
    let err = '';
    server.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const url = `http://127.0.0.1:${port}`;
    await waitFor('the server', async () => ((await curl([`${url}/api/health`])).status === 200 ? true : undefined));
    const before = rx.requests.length;
    const scan = await curl(['-X', 'POST', '-H', `authorization: Bearer ${admin}`, '-H', 'content-type: application/json', '-d', JSON.stringify({ targets: ['127.0.0.1'], options: { tcpPorts: [closed], icmp: 'off', reverseDns: false, neighbours: false } }), `${url}/api/scans`]);
    assert.equal(scan.status, 202, scan.body);
    const alert = await waitFor('the new-device alert', () => rx.requests.slice(before).find((q) => JSON.parse(q.body).rule === 'new-device'));
    const body = JSON.parse(alert.body);
    assert.equal(body.device.ip, '127.0.0.1');
    assert.equal(body.event.type, 'device.discovered');
    assert.equal(body.severity, 'notice');
    const log = await waitFor('the log entry', async () => {
      const r = await curl(['-H', `authorization: Bearer ${admin}`, `${url}/api/notifications/log?channel=hook&status=sent&rule=new-device`]);
      const j = JSON.parse(r.body);
      return j.total === 1 ? j : undefined;
    });
    assert.equal(log.items[0].event_id, body.event.id);
    server.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => server.once('exit', (c) => r(c)));
    assert.equal(code, 0, err);
  });
});
