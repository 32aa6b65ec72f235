import type { Logger } from 'pino';
import type { Alert } from './alert.js';

/** What a successful delivery reports: `HTTP 204`, `250 2.0.0 Ok: queued`, `412 bytes over udp`. */
export interface SendResult {
  detail: string;
}

/**
 * A failed delivery attempt. `retryable` says whether trying again may help (timeouts, refused connections,
 * HTTP 429/5xx) or not (HTTP 4xx, a redirect, a rejected recipient): the queue retries only the former.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    opts: { cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DeliveryError';
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
  }
  /** The receiver asked to wait this long (HTTP `Retry-After`). */
  retryAfterMs?: number;
}

/** Shared things a notifier may use, passed in (tests substitute the clock or `fetch`). */
export interface NotifierDeps {
  fetch: typeof globalThis.fetch;
  logger: Logger;
  now(): number;
  /** This node's name (`node.name`): the syslog HOSTNAME, the e-mail signature. */
  node: string;
  /** One attempt gives up after this long (`notify.timeoutMs`). */
  timeoutMs: number;
}

/** A configured channel, ready to send. `send` throws DeliveryError on failure; it never retries itself. */
export interface Notifier {
  send(alert: Alert, signal: AbortSignal): Promise<SendResult>;
  close(): Promise<void>;
}

/**
 * One module per channel type, listed in `channels/index.ts`. A type checks its own settings (errors name
 * `settings.<field>`) and builds notifiers; secrets are the settings it lists in `secretFields`.
 */
export interface ChannelType<S = unknown> {
  readonly type: string;
  readonly description: string;
  /** Settings holding secrets: masked in every output, written as `env:VARIABLE` in the config file. */
  readonly secretFields: readonly string[];
  /** Returns normalised settings (defaults applied) or throws LnmtError LNMT_ERR_VALIDATION. */
  validate(settings: Record<string, unknown>): S;
  create(settings: S, deps: NotifierDeps): Notifier;
}
