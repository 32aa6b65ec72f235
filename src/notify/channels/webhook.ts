import { createHmac } from 'node:crypto';
import type { Alert } from '../alert.js';
import type { ChannelType } from '../channel-type.js';
import { SettingsCheck } from '../settings-check.js';
import { postJson } from './http-post.js';

export interface WebhookSettings {
  url: string;
  /** HMAC-SHA256 key; when set, every request carries `X-Lnmt-Timestamp` and `X-Lnmt-Signature`. */
  secret: string | null;
  headers: Record<string, string>;
}

/** Headers the channel sets itself; a custom header may not replace them. */
const RESERVED = new Set(['content-type', 'content-length', 'host', 'user-agent', 'transfer-encoding', 'connection', 'x-lnmt-timestamp', 'x-lnmt-signature']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

/** The JSON document every generic webhook receives (`version` changes only when a field is removed or retyped). */
export function webhookPayload(alert: Alert): Record<string, unknown> {
  return {
    version: 1,
    rule: alert.rule,
    key: alert.key,
    severity: alert.severity,
    title: alert.title,
    text: alert.text,
    time: alert.time,
    suppressed: alert.suppressed,
    summary: alert.summary,
    event: alert.event,
    device: alert.device,
    check: alert.check,
    tags: alert.tags,
    fields: alert.fields,
  };
}

/**
 * `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. The receiver recomputes it over the exact bytes it
 * received and the `X-Lnmt-Timestamp` header (Unix seconds), compares in constant time, and rejects old
 * timestamps (e.g. > 5 minutes) so a captured request cannot be replayed later.
 */
export function signBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Generic webhook: the alert as JSON, POSTed; optional HMAC signature and custom headers. */
export const webhookChannel = {
  type: 'webhook',
  description: 'JSON POST to any http(s) URL, optionally signed (HMAC-SHA256) and with custom headers',
  secretFields: ['secret', 'headers'],
  validate(settings) {
    const c = new SettingsCheck(settings, 'webhook');
    const url = c.url('url');
    const secret = c.text('secret', { max: 512, secret: true, allowed: 'a signing key of 1 to 512 printable characters' }) ?? null;
    const headers = c.record('headers', {
      key: (k) => TOKEN.test(k) && !RESERVED.has(k.toLowerCase()),
      // eslint-disable-next-line no-control-regex
      value: (v) => v.length <= 4096 && !/[\u0000-\u001f\u007f]/.test(v),
      allowed: `header names (not ${[...RESERVED].join(', ')}) with printable values`,
      max: 32,
      secretValues: true,
    });
    c.done();
    return { url: url!, secret, headers };
  },
  create(s, deps) {
    return {
      async send(alert, signal) {
        const body = JSON.stringify(webhookPayload(alert));
        const headers = { ...s.headers };
        if (s.secret !== null) {
          const ts = Math.floor(deps.now() / 1000);
          headers['x-lnmt-timestamp'] = String(ts);
          headers['x-lnmt-signature'] = signBody(s.secret, ts, body);
        }
        return postJson(s.url, body, headers, deps, signal);
      },
      async close() {},
    };
  },
} satisfies ChannelType<WebhookSettings>;
