/**
 * Shared by the Redis, MySQL and PostgreSQL honeypot tests: the limits they run with, a runner for the real
 * client tools (output and exit code, never throwing), `nmap -sV`'s service line for a port, a raw loopback
 * conversation, and the CI rule: a missing tool fails the test under CI=true, and skips it elsewhere.
 */
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import type { AnyEvent } from '../../../src/core/events.js';
import { which } from '../ssh-profile/nmap-enum-algos.js';

export const LIMITS = { maxConnections: 200, maxPerIp: 200, connectsPerMinutePerIp: 1_000_000 };
export const SESSION = { idleTimeoutMs: 30_000, maxSessionMs: 60_000, maxBytesIn: 1 << 20, maxBytesOut: 1 << 20 };
export const FILES = { maxFileBytes: 1 << 20, maxTotalBytes: 1 << 24 };

/** False (and under CI=true an error) when a tool is missing: `{ skip: missing('nmap', 'nmap') }`. */
export function missing(tool: string, aptPackage: string): string | false {
  if (which(tool)) return false;
  if (process.env.CI === 'true') throw new Error(`${tool} is required in CI (apt-get install ${aptPackage})`);
  return `${tool} not installed`;
}

export function run(cmd: string, args: string[], o: { env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: o.timeout ?? 60_000, env: { ...process.env, ...o.env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** nmap -sV's line for the port, e.g. `13306/tcp open  mysql   MySQL 5.5.5-10.11.19-MariaDB-0+deb12u1`. */
export async function nmapServiceLine(port: number, extra: string[] = []): Promise<string> {
  const r = await run('nmap', ['-sV', '-Pn', ...extra, '-p', String(port), '127.0.0.1'], { timeout: 180_000 });
  return r.stdout.split('\n').find((l) => l.startsWith(`${port}/tcp`)) ?? `(no line) ${r.stdout}${r.stderr}`;
}

/**
 * Sends `chunks` (each after the previous answer settles) and collects everything the server sends until it
 * closes or `quietMs` pass without data.
 */
export function converse(port: number, chunks: Array<Buffer | string>, quietMs = 300): Promise<{ replies: Buffer[]; all: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const replies: Buffer[] = [];
    let current: Buffer[] = [];
    let closed = false;
    let timer: NodeJS.Timeout | null = null;
    const queue = [...chunks];
    const finish = () => {
      replies.push(Buffer.concat(current));
      s.destroy();
      resolve({ replies, all: Buffer.concat(replies), closed });
    };
    const next = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        if (queue.length === 0) return finish();
        replies.push(Buffer.concat(current));
        current = [];
        s.write(queue.shift()!);
        next();
      }, quietMs);
    };
    s.on('data', (d) => {
      current.push(d);
      next();
    });
    s.on('connect', next);
    s.on('error', () => undefined);
    s.on('close', () => {
      closed = true;
      if (timer) clearTimeout(timer);
      replies.push(Buffer.concat(current));
      resolve({ replies, all: Buffer.concat(replies), closed });
    });
  });
}

export function authEvents(events: AnyEvent[], service: string) {
  return events.flatMap((e) => (e.type === 'honeypot.auth' && e.data.service === service ? [e.data] : []));
}

export function commandEvents(events: AnyEvent[], service: string) {
  return events.flatMap((e) => (e.type === 'honeypot.command' && e.data.service === service ? [e.data] : []));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
