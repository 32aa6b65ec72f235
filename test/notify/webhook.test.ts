/** The generic webhook against a real local HTTP receiver: exact JSON, HMAC signature, headers, failures. */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { DeliveryError } from '../../src/notify/channel-type.js';
import { webhookChannel } from '../../src/notify/channels/webhook.js';
import { LnmtError } from '../../src/core/errors.js';
import { T0, alert, deps, httpReceiver, refusedPort, signal } from './helpers.js';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of closers) await c();
});

async function receiver(...args: Parameters<typeof httpReceiver>) {
  const r = await httpReceiver(...args);
  closers.push(r.close);
  return r;
}

function sendTo(url: string, extra: Record<string, unknown> = {}, d = deps()) {
  return webhookChannel.create(webhookChannel.validate({ url, ...extra }), d).send(alert(), signal());
}

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DeliveryError, String(err));
    return err;
  }
  assert.fail('expected the delivery to fail');
}

describe('webhook channel', () => {
  it('POSTs the alert as the documented JSON document', async () => {
    const r = await receiver();
    const res = await sendTo(`${r.url}/hooks/lnmt?x=1`);
    assert.equal(res.detail, 'HTTP 204');
    const [req] = r.requests;
    assert.equal(req!.method, 'POST');
    assert.equal(req!.url, '/hooks/lnmt?x=1');
    assert.equal(req!.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(req!.headers['user-agent'], 'lnmt-notify');
    assert.equal(req!.headers['x-lnmt-signature'], undefined);
    assert.deepEqual(JSON.parse(req!.body), {
      version: 1,
      rule: 'check-state',
      key: 'check:c1:down',
      severity: 'critical',
      title: 'web-1 is DOWN',
      text: 'web-1 is down after 3 failed results: connection refused',
      time: '2026-03-01T12:00:00.000Z',
      suppressed: 0,
      summary: false,
      event: { id: '01900000-0000-7000-8000-000000000001', type: 'check.state_changed', time: '2026-03-01T12:00:00.000Z', sensor: 'gw-1' },
      device: { id: 7, ip: '10.0.0.7', mac: 'aa:bb:cc:dd:ee:07', vendor: null, hostname: 'web-1.lan' },
      check: { id: 'c1', name: 'web-1', type: 'http', target: 'http://10.0.0.7/health', device_id: 7 },
      tags: ['prod'],
      fields: { check: 'http http://10.0.0.7/health' },
    });
  });

  it('signs the exact body with HMAC-SHA256 over "<timestamp>.<body>"; custom headers are sent', async () => {
    const r = await receiver();
    await sendTo(r.url, { secret: 's3cret-key', headers: { Authorization: 'Bearer abc', 'X-Env': 'prod' } });
    const [req] = r.requests;
    const ts = req!.headers['x-lnmt-timestamp'];
    assert.equal(ts, String(T0 / 1000));
    const expected = Buffer.from(`sha256=${createHmac('sha256', 's3cret-key').update(`${ts}.${req!.body}`).digest('hex')}`);
    const got = Buffer.from(String(req!.headers['x-lnmt-signature']));
    assert.equal(got.length, expected.length);
    assert.ok(timingSafeEqual(got, expected), `signature ${got.toString()} does not verify`);
    // A different key or a changed body would not verify.
    assert.notEqual(got.toString(), `sha256=${createHmac('sha256', 'other').update(`${ts}.${req!.body}`).digest('hex')}`);
    assert.equal(req!.headers.authorization, 'Bearer abc');
    assert.equal(req!.headers['x-env'], 'prod');
  });

  it('never follows a redirect: 3xx is a permanent failure naming the location, and the target gets nothing', async () => {
    const elsewhere = await receiver();
    const r = await receiver([{ status: 302, headers: { location: `${elsewhere.url}/steal` } }]);
    const err = await failure(sendTo(r.url, { secret: 'k' }));
    assert.equal(err.retryable, false);
    assert.match(err.message, new RegExp(`^HTTP 302 redirect to ${elsewhere.url}/steal not followed`));
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(elsewhere.requests.length, 0);
  });

  it('classifies answers: 4xx permanent (with the body), 5xx retryable, 429 retryable with Retry-After', async () => {
    const r400 = await receiver([{ status: 400, body: 'bad payload\n  field x' }]);
    const e400 = await failure(sendTo(r400.url));
    assert.equal(e400.retryable, false);
    assert.equal(e400.message, 'HTTP 400: bad payload field x');
    const r503 = await receiver([{ status: 503 }]);
    const e503 = await failure(sendTo(r503.url));
    assert.equal(e503.retryable, true);
    assert.equal(e503.message, 'HTTP 503');
    const r429 = await receiver([{ status: 429, headers: { 'retry-after': '7' } }]);
    const e429 = await failure(sendTo(r429.url));
    assert.equal(e429.retryable, true);
    assert.equal(e429.retryAfterMs, 7000);
  });

  it('gives up on a receiver that never answers after timeoutMs (retryable)', async () => {
    const r = await receiver(['hang']);
    const t = Date.now();
    const err = await failure(sendTo(r.url, {}, deps({ timeoutMs: 300 })));
    const took = Date.now() - t;
    assert.equal(err.retryable, true);
    assert.equal(err.message, `no answer from ${r.url} within 300 ms`);
    assert.ok(took >= 280 && took < 2000, `took ${took} ms`);
  });

  it('a refused connection is retryable and says so', async () => {
    const port = await refusedPort();
    const err = await failure(sendTo(`http://127.0.0.1:${port}/x`));
    assert.equal(err.retryable, true);
    assert.match(err.message, new RegExp(`^cannot reach http://127.0.0.1:${port}: .*ECONNREFUSED`));
  });

  it('validates settings, naming each field; secrets are never echoed', () => {
    assert.throws(
      () => webhookChannel.validate({ url: 'ftp://example.org/x', secret: 5, headers: { 'Content-Type': 'text/plain', 'Bad Name': 'x' }, method: 'PUT' }),
      (err: unknown) => {
        assert.ok(err instanceof LnmtError);
        assert.equal(err.code, 'LNMT_ERR_VALIDATION');
        assert.deepEqual(err.details.map((d) => d.where), ['settings.url', 'settings.secret', 'settings.headers.Content-Type', 'settings.headers.Bad Name', 'settings.method']);
        assert.equal(err.details[1]!.value, '***');
        assert.equal(err.details[2]!.value, '***');
        return true;
      },
    );
    assert.throws(() => webhookChannel.validate({ url: 'https://user:pw@example.org/' }), /credentials/);
    assert.throws(() => webhookChannel.validate({}), (err: unknown) => (err as LnmtError).details[0]!.where === 'settings.url' && (err as LnmtError).details[0]!.message === 'required');
    assert.deepEqual(webhookChannel.validate({ url: 'https://example.org/h' }), { url: 'https://example.org/h', secret: null, headers: {} });
  });
});
