/**
 * The channel catalog: stored channels (create, edit, remove, survive a restart), channels declared in the config
 * file (read-only, secrets as env: references), masking of secrets, and the log-only channel.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MemoryBus } from '../../src/core/bus/memory-bus.js';
import { LnmtError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { NotificationService } from '../../src/notify/notification-service.js';
import { openStore } from '../../src/store/open-store.js';
import { captureLogger, httpReceiver } from './helpers.js';
import { checkDown, harness, type Harness } from './harness.js';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});

async function open(o: Parameters<typeof harness>[0] = {}): Promise<Harness> {
  const h = await harness(o);
  closers.push(h.close);
  return h;
}

const id = (f: string) => f;

function lnmtError(code: string, check: (e: LnmtError) => void) {
  return (err: unknown) => {
    assert.ok(err instanceof LnmtError, String(err));
    assert.equal(err.code, code, err.message);
    check(err);
    return true;
  };
}

describe('stored channels', () => {
  it('are created, listed with secrets masked, edited, removed — and survive a restart', async () => {
    const h = await open();
    const hook = await h.svc.channels.create({ name: 'hook', type: 'webhook', settings: { url: 'https://hooks.example.org/in', secret: 'k3y', headers: { Authorization: 'Bearer t0k3n' } }, filter: { minSeverity: 'warning' } }, id);
    await h.svc.channels.create({ name: 'mail', type: 'email', enabled: false, settings: { host: 'smtp.example.org', user: 'u', password: 'pa55', from: 'a@example.org', to: ['b@example.org'] } }, id);
    await h.svc.channels.create({ name: 'chat', type: 'slack', settings: { url: 'https://hooks.slack.com/services/T1/B2/SECRET' } }, id);
    const views = (await h.svc.channels.list()).map((d) => h.svc.view(d));
    assert.deepEqual(views.map((v) => [v.name, v.enabled, v.source]), [['chat', true, 'store'], ['hook', true, 'store'], ['mail', false, 'store']]);
    const text = JSON.stringify(views);
    for (const secret of ['k3y', 't0k3n', 'pa55', 'SECRET']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    assert.deepEqual(views[1]!.settings, { url: 'https://hooks.example.org/in', secret: '***', headers: { Authorization: '***' } });
    assert.equal(views[0]!.settings.url, 'https://hooks.slack.com/***');
    assert.equal(views[2]!.settings.password, '***');

    // Settings are merged: a secret sent back as shown is kept, null removes, anything else replaces.
    const edited = await h.svc.channels.update('hook', { settings: { secret: '***', headers: { Authorization: '***', 'X-New': 'v' }, url: 'https://hooks.example.org/v2' } }, id, 'ref');
    assert.deepEqual(edited.settings, { url: 'https://hooks.example.org/v2', secret: 'k3y', headers: { Authorization: 'Bearer t0k3n', 'X-New': 'v' } });
    assert.ok(edited.updatedAt! >= hook.updatedAt!);
    const unsigned = await h.svc.channels.update(hook.id, { settings: { secret: null }, enabled: false, name: 'hook-2' }, id, 'ref');
    assert.deepEqual([unsigned.name, unsigned.enabled, unsigned.settings!.secret], ['hook-2', false, null]);
    assert.equal((await h.svc.channels.remove('mail', 'ref')).name, 'mail');

    await h.svc.stop();
    await h.store.close();
    const store = await openStore(h.config);
    const again = new NotificationService({ config: h.config, store, bus: new MemoryBus(), logger: silentLogger() });
    const after = (await again.channels.list()).map((d) => [d.name, d.type, d.enabled, d.settings]);
    await store.close();
    h.store = await openStore(h.config);
    assert.deepEqual(after, [
      ['chat', 'slack', true, { url: 'https://hooks.slack.com/services/T1/B2/SECRET' }],
      ['hook-2', 'webhook', false, { url: 'https://hooks.example.org/v2', secret: null, headers: { Authorization: 'Bearer t0k3n', 'X-New': 'v' } }],
    ]);
  });

  it('refuses, naming the field: a taken name, an unknown type, bad settings and filter entries all at once', async () => {
    const h = await open();
    await h.svc.channels.create({ name: 'taken', type: 'log' }, id);
    await assert.rejects(h.svc.channels.create({ name: 'taken', type: 'log' }, (f) => `body.${f}`), lnmtError('LNMT_ERR_CONFLICT', (e) => assert.equal(e.details[0]!.where, 'body.name')));
    await assert.rejects(h.svc.channels.create({ name: 'x', type: 'pager' }, (f) => `body.${f}`), lnmtError('LNMT_ERR_VALIDATION', (e) => assert.deepEqual([e.details[0]!.where, e.details[0]!.allowed], ['body.type', 'one of webhook, slack, discord, email, syslog, log'])));
    await assert.rejects(
      h.svc.channels.create({ name: 'bad name', type: 'syslog', settings: { port: 0 }, filter: { devices: ['x'] } }, (f) => `body.${f}`),
      lnmtError('LNMT_ERR_VALIDATION', (e) => assert.deepEqual(e.details.map((d) => d.where), ['body.name', 'body.settings.host', 'body.settings.port', 'body.filter.devices[0]'])),
    );
    await assert.rejects(h.svc.channels.update('taken', { settings: { level: 'debug' } }, (f) => `body.${f}`, 'params.id'), lnmtError('LNMT_ERR_VALIDATION', (e) => assert.equal(e.details[0]!.where, 'body.settings.level')));
    await assert.rejects(h.svc.channels.remove('nope', 'params.id'), lnmtError('LNMT_ERR_NOT_FOUND', (e) => assert.equal(e.details[0]!.where, 'params.id')));
  });
});

describe('channels declared in the config file', () => {
  const YAML = [
    'notify:',
    '  channels:',
    '    - name: ops-hook',
    '      type: webhook',
    '      settings: { url: "http://127.0.0.1:1/x", secret: "env:HOOK_KEY", headers: { X-Api-Key: "env:HOOK_API_KEY" } }',
    '      filter: { events: ["check.*"] }',
    '    - name: team-chat',
    '      type: slack',
    '      settings: { url: "env:SLACK_URL" }',
    '',
  ].join('\n');

  it('resolve env: references, show them (never the values), and are read-only', async () => {
    const h = await open({ yaml: YAML, processEnv: { HOOK_KEY: 'k-1', HOOK_API_KEY: 'api-1', SLACK_URL: 'https://hooks.slack.com/services/A/B/C' } });
    const defs = await h.svc.channels.list();
    assert.deepEqual(defs.map((d) => [d.id, d.source, d.problem]), [['config:ops-hook', 'config', null], ['config:team-chat', 'config', null]]);
    assert.deepEqual(defs[0]!.settings, { url: 'http://127.0.0.1:1/x', secret: 'k-1', headers: { 'X-Api-Key': 'api-1' } });
    assert.deepEqual(h.svc.view(defs[0]!).settings, { url: 'http://127.0.0.1:1/x', secret: 'env:HOOK_KEY', headers: { 'X-Api-Key': 'env:HOOK_API_KEY' } });
    assert.deepEqual(h.svc.view(defs[1]!).settings, { url: 'env:SLACK_URL' });
    assert.deepEqual(h.svc.view(defs[0]!).filter, { events: ['check.*'] });
    await assert.rejects(h.svc.channels.update('ops-hook', { enabled: false }, id, 'params.id'), lnmtError('LNMT_ERR_CONFLICT', (e) => assert.match(e.message, /declared in the config file \(notify\.channels\[0\]\)/)));
    await assert.rejects(h.svc.channels.remove('config:team-chat', 'params.id'), lnmtError('LNMT_ERR_CONFLICT', () => {}));
    await assert.rejects(h.svc.channels.create({ name: 'team-chat', type: 'log' }, id), lnmtError('LNMT_ERR_CONFLICT', () => {}));
  });

  it('a missing environment variable makes the channel report a problem; its alerts are logged failed', async () => {
    const h = await open({ yaml: YAML, processEnv: { HOOK_KEY: 'k', HOOK_API_KEY: 'a' }, env: { LNMT_NOTIFY__THROTTLE_MINUTES: '0' } });
    const chat = await h.svc.channels.get('team-chat', 'x');
    assert.equal(chat.problem, 'environment variable not set: SLACK_URL (settings.url)');
    await h.publish('check.state_changed', checkDown());
    await h.settle();
    const { items } = await h.svc.deliveries({ limit: 10, offset: 0, channelId: 'config:team-chat' });
    assert.deepEqual(items.map((i) => [i.status, i.attempts, i.error]), [['failed', 0, 'environment variable not set: SLACK_URL (settings.url)']]);
    const t = await h.svc.test('team-chat', 'x');
    assert.deepEqual([t.status, t.error], ['failed', 'environment variable not set: SLACK_URL (settings.url)']);
  });

  it('secrets written into the file, unknown types, duplicate names and bad settings are config errors naming the key', async () => {
    const yaml = [
      'notify:',
      '  channels:',
      '    - { name: a, type: slack, settings: { url: "https://hooks.slack.com/services/LEAK" } }',
      '    - { name: a, type: pager, settings: {} }',
      '    - { name: c, type: syslog, settings: { host: "log.example.org", port: 99999 } }',
      '',
    ].join('\n');
    await assert.rejects(open({ yaml }), lnmtError('LNMT_ERR_CONFIG', (e) => {
      assert.deepEqual(e.details.map((d) => `${d.where}: ${d.message}`), [
        'notify.channels[0].settings.url: a secret written in the config file',
        'notify.channels[1].name: name used twice',
        'notify.channels[1].type: unknown channel type',
        'notify.channels[2].settings.port: invalid value',
      ]);
      assert.ok(!JSON.stringify(e.details).includes('LEAK'));
    }));
  });
});

describe('log-only channel', () => {
  it('writes the alert to the process log at warn (critical) and nothing else', async () => {
    const { logger, lines } = captureLogger();
    const h = await open({ logger, env: { LNMT_NOTIFY__THROTTLE_MINUTES: '0' } });
    const rx = await httpReceiver();
    closers.push(rx.close);
    await h.svc.channels.create({ name: 'journal', type: 'log' }, id);
    const ev = await h.publish('check.state_changed', checkDown());
    await h.settle();
    for (let i = 0; i < 50 && !lines.some((l) => l.msg === 'alert: web-1 is DOWN'); i++) await new Promise((r) => setTimeout(r, 10));
    const line = lines.find((l) => l.msg === 'alert: web-1 is DOWN');
    assert.ok(line, JSON.stringify(lines));
    assert.equal(line.level, 40);
    assert.equal(line.component, 'notify');
    assert.deepEqual(line.alert, { rule: 'check-state', key: 'check:c1:down', severity: 'critical', event_id: ev.id, suppressed: 0, text: 'web-1 is down after 3 failed results: connection refused' });
    await h.svc.flushLog();
    const { items } = await h.svc.deliveries({ limit: 5, offset: 0 });
    assert.deepEqual(items.map((i) => [i.channel_name, i.status, i.detail]), [['journal', 'sent', 'logged at warn']]);
  });
});

describe('tracked devices', () => {
  it('a bad entry in notify.trackedDevices is a config error naming it', async () => {
    await assert.rejects(open({ env: { LNMT_NOTIFY__TRACKED_DEVICES: '10.0.0.1,printer' } }), lnmtError('LNMT_ERR_CONFIG', (e) => {
      assert.deepEqual(e.details.map((d) => [d.where, d.value]), [['notify.trackedDevices[1]', 'printer']]);
    }));
  });
});
