import { pino, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Write to stderr so stdout stays clean for `--json` output. */
  destination?: number;
}

/** Secrets never reach the log: these paths are redacted wherever they appear. */
const REDACT = ['req.headers.authorization', '*.token', '*.password', '*.secret', 'token', 'password'];

export function createLogger(opts: LoggerOptions): Logger {
  return pino({ level: opts.level, redact: { paths: REDACT, censor: '***' }, base: { pid: process.pid } },
    pino.destination({ fd: opts.destination ?? 2, sync: false }));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
