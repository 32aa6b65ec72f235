import type { Transporter } from 'nodemailer';
import { bodyText, headline, truncate, type Alert } from '../alert.js';
import { DeliveryError, type ChannelType, type NotifierDeps } from '../channel-type.js';
import { EMAIL, SettingsCheck } from '../settings-check.js';

export interface EmailSettings {
  host: string;
  port: number;
  /** `tls`: TLS from the first byte (usually 465); `starttls`: upgrade required (587); `none`: plain text. */
  security: 'tls' | 'starttls' | 'none';
  user: string | null;
  password: string | null;
  /** `alerts@example.org` or `LNMT <alerts@example.org>`. */
  from: string;
  to: string[];
}

const SECURITY = ['starttls', 'tls', 'none'] as const;
const DEFAULT_PORT = { tls: 465, starttls: 587, none: 25 } as const;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$|^\[?[0-9A-Fa-f:.]+\]?$/;

/** `alerts@example.org` or `LNMT Alerts <alerts@example.org>`. */
function isSender(s: string): boolean {
  const named = /^[^<>"]{1,100} <([^<>]+)>$/.exec(s);
  return EMAIL.test(named ? named[1]! : s);
}

/** Subject and plain-text body of an alert e-mail. */
export function emailMessage(alert: Alert, node: string): { subject: string; text: string } {
  const subject = truncate(`[LNMT ${alert.severity}] ${headline(alert)}`.replace(/[\r\n]+/g, ' '), 200);
  const facts: Array<[string, string]> = [
    ['severity', alert.severity],
    ['rule', alert.rule],
    ['key', alert.key],
  ];
  if (alert.event) facts.push(['event', `${alert.event.type} ${alert.event.id}`], ['sensor', alert.event.sensor]);
  facts.push(['time', alert.time]);
  for (const [k, v] of Object.entries(alert.fields)) facts.push([k, v]);
  const width = Math.max(...facts.map(([k]) => k.length)) + 2;
  const lines = [bodyText(alert), '', ...facts.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`), '', '-- ', `LNMT on ${node}`];
  return { subject, text: `${lines.join('\n')}\n` };
}

/** E-mail over SMTP (nodemailer, loaded on the first send so the CLI never pays for it at start-up). */
export const emailChannel = {
  type: 'email',
  description: 'e-mail over SMTP: host, port, security (starttls|tls|none), optional user/password, from, to[]',
  secretFields: ['password'],
  validate(settings) {
    const c = new SettingsCheck(settings, 'email');
    const host = c.text('host', { required: true, max: 255, pattern: HOST, allowed: 'a host name or IP address' });
    const security = c.choice('security', SECURITY, 'starttls');
    const port = c.int('port', 1, 65535, DEFAULT_PORT[security]);
    const user = c.text('user', { max: 256 }) ?? null;
    const password = c.text('password', { max: 512, secret: true }) ?? null;
    if ((user === null) !== (password === null)) c.fail(user === null ? 'user' : 'password', undefined, 'required with the other', 'user and password together, or neither');
    const fromAllowed = 'an address (alerts@example.org) or "Name <alerts@example.org>"';
    const from = c.text('from', { required: true, max: 320, allowed: fromAllowed });
    if (from !== undefined && !isSender(from)) c.fail('from', from, 'not an e-mail address', fromAllowed);
    const to = c.list('to', { required: true, max: 50, item: (s) => EMAIL.test(s), allowed: 'a list of 1 to 50 e-mail addresses' });
    c.done();
    return { host: host!, port, security, user, password, from: from!, to };
  },
  create(s, deps) {
    let transport: Transporter | null = null;
    return {
      async send(alert, signal) {
        transport ??= await createTransport(s, deps);
        const t = transport;
        const { subject, text } = emailMessage(alert, deps.node);
        const onAbort = () => t.close();
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          const info = (await t.sendMail({ from: s.from, to: s.to, subject, text })) as { response?: string; rejected?: unknown[] };
          if (Array.isArray(info.rejected) && info.rejected.length > 0) {
            throw new DeliveryError(`the server rejected ${info.rejected.map(String).join(', ')}`, false);
          }
          return { detail: info.response ?? 'accepted' };
        } catch (err) {
          if (err instanceof DeliveryError) throw err;
          throw smtpError(err, s, signal);
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
      },
      async close() {
        transport?.close();
        transport = null;
      },
    };
  },
} satisfies ChannelType<EmailSettings>;

async function createTransport(s: EmailSettings, deps: NotifierDeps): Promise<Transporter> {
  // nodemailer is CommonJS: Node gives named exports, a bundler's split chunk may give only `default`.
  const mod = (await import('nodemailer')) as Partial<typeof import('nodemailer')> & { default?: typeof import('nodemailer') };
  const nodemailer = (mod.createTransport ? mod : mod.default!) as typeof import('nodemailer');
  return nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.security === 'tls',
    requireTLS: s.security === 'starttls',
    ignoreTLS: s.security === 'none',
    ...(s.user !== null ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
    connectionTimeout: deps.timeoutMs,
    greetingTimeout: deps.timeoutMs,
    socketTimeout: deps.timeoutMs,
    name: deps.node,
  });
}

/** SMTP 5xx and authentication failures are permanent; connection problems and 4xx may pass later. */
function smtpError(err: unknown, s: EmailSettings, signal: AbortSignal): DeliveryError {
  const e = err as { message?: string; code?: string; responseCode?: number; response?: string };
  if (signal.aborted) return new DeliveryError('cancelled: lnmt is stopping', false, { cause: err });
  const where = `${s.host}:${s.port}`;
  if (e.code === 'EAUTH') return new DeliveryError(`SMTP ${where} refused the login of "${s.user ?? ''}": ${e.response ?? e.message}`, false, { cause: err });
  if (typeof e.responseCode === 'number') {
    return new DeliveryError(`SMTP ${where} answered ${e.response ?? e.responseCode}`, e.responseCode < 500, { cause: err });
  }
  return new DeliveryError(`SMTP ${where}: ${e.message ?? String(err)}`, true, { cause: err });
}
