/** E-mail over SMTP (nodemailer) against a local `smtp-server` sink: exact envelope, headers and body. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LnmtError } from '../../src/core/errors.js';
import { DeliveryError } from '../../src/notify/channel-type.js';
import { emailChannel } from '../../src/notify/channels/email.js';
import { alert, deps, parseMail, refusedPort, signal, smtpSink } from './helpers.js';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of closers) await c();
});

const EXPECTED_BODY = [
  'web-1 is down after 3 failed results: connection refused',
  '2 similar alerts were suppressed since the previous alert for this key.',
  '',
  'severity: critical',
  'rule:     check-state',
  'key:      check:c1:down',
  'event:    check.state_changed 01900000-0000-7000-8000-000000000001',
  'sensor:   gw-1',
  'time:     2026-03-01T12:00:00.000Z',
  'check:    http http://10.0.0.7/health',
  '',
  '-- ',
  'LNMT on gw-1',
  '',
].join('\n');

describe('email channel', () => {
  it('delivers one plain-text message: exact envelope, From, To, Subject and body', async () => {
    const sink = await smtpSink();
    closers.push(sink.close);
    const settings = emailChannel.validate({ host: '127.0.0.1', port: sink.port, security: 'none', from: 'LNMT Alerts <lnmt@example.org>', to: ['ops@example.org', 'oncall@example.org'] });
    const ch = emailChannel.create(settings, deps());
    const r = await ch.send(alert({ suppressed: 2 }), signal());
    await ch.close();
    assert.match(r.detail, /^250 /);
    assert.equal(sink.mails.length, 1);
    const m = sink.mails[0]!;
    assert.equal(m.from, 'lnmt@example.org');
    assert.deepEqual(m.to, ['ops@example.org', 'oncall@example.org']);
    const { headers, body } = parseMail(m.raw);
    assert.equal(headers.from, 'LNMT Alerts <lnmt@example.org>');
    assert.equal(headers.to, 'ops@example.org, oncall@example.org');
    assert.equal(headers.subject, '[LNMT critical] web-1 is DOWN (2 more suppressed)');
    assert.match(headers['content-type']!, /^text\/plain; charset=utf-8/);
    assert.equal(body, EXPECTED_BODY);
  });

  it('logs in with user and password when given', async () => {
    const sink = await smtpSink({ auth: { user: 'lnmt', pass: 'pw-123' } });
    closers.push(sink.close);
    const ok = emailChannel.create(emailChannel.validate({ host: '127.0.0.1', port: sink.port, security: 'none', user: 'lnmt', password: 'pw-123', from: 'a@example.org', to: 'b@example.org' }), deps());
    await ok.send(alert(), signal());
    await ok.close();
    assert.equal(sink.mails[0]!.user, 'lnmt');

    const bad = emailChannel.create(emailChannel.validate({ host: '127.0.0.1', port: sink.port, security: 'none', user: 'lnmt', password: 'wrong', from: 'a@example.org', to: 'b@example.org' }), deps());
    await assert.rejects(bad.send(alert(), signal()), (err: unknown) => {
      assert.ok(err instanceof DeliveryError);
      assert.equal(err.retryable, false, 'a refused login does not fix itself');
      assert.match(err.message, /refused the login of "lnmt"/);
      assert.doesNotMatch(err.message, /wrong/);
      return true;
    });
    await bad.close();
  });

  it('a rejected recipient is a permanent failure; a server that is not there is retryable', async () => {
    const sink = await smtpSink({ rejectTo: ['nobody@example.org'] });
    closers.push(sink.close);
    const ch = emailChannel.create(emailChannel.validate({ host: '127.0.0.1', port: sink.port, security: 'none', from: 'a@example.org', to: ['nobody@example.org'] }), deps());
    await assert.rejects(ch.send(alert(), signal()), (err: unknown) => err instanceof DeliveryError && !err.retryable && /550/.test(err.message));
    await ch.close();

    const port = await refusedPort();
    const down = emailChannel.create(emailChannel.validate({ host: '127.0.0.1', port, security: 'none', from: 'a@example.org', to: ['b@example.org'] }), deps());
    await assert.rejects(down.send(alert(), signal()), (err: unknown) => err instanceof DeliveryError && err.retryable && /ECONNREFUSED/.test(err.message));
    await down.close();
  });

  it('validates: required host/from/to, user with password, addresses, security; defaults the port by security', () => {
    assert.throws(
      () => emailChannel.validate({ user: 'x', from: 'not-an-address', to: ['ok@example.org', 'nope'], security: 'ssl' }),
      (err: unknown) => {
        assert.ok(err instanceof LnmtError);
        assert.deepEqual(err.details.map((d) => `${d.where}: ${d.message}`), [
          'settings.host: required',
          'settings.security: not an accepted value',
          'settings.password: required with the other',
          'settings.from: not an e-mail address',
          'settings.to: invalid value',
        ]);
        return true;
      },
    );
    const s = emailChannel.validate({ host: 'smtp.example.org', from: 'a@example.org', to: 'b@example.org' });
    assert.deepEqual(s, { host: 'smtp.example.org', port: 587, security: 'starttls', user: null, password: null, from: 'a@example.org', to: ['b@example.org'] });
    assert.equal(emailChannel.validate({ host: 'h', security: 'tls', from: 'a@example.org', to: ['b@example.org'] }).port, 465);
  });
});
