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
  http: /^http\s+nginx 1\.22\.1/,
  https: /^ssl\/http\s+nginx 1\.22\.1/,
  // Samba with SMB1 off (its default since 4.11): nmap 7.93 labels every such Samba "4.6.2".
  smb: /^netbios-ssn\s+Samba smbd/,
  rdp: /^ms-wbt-server\s+xrdp/,
  // SQL Server for Linux: a Microsoft product that really runs on Debian and Ubuntu hosts.
  mssql: /^ms-sql-s\s+Microsoft SQL Server 2019 15\.00\.\d+/,
};

/** Products a Linux host really runs although nmap files them under Microsoft (its OS guess for them is Windows). */
const LINUX_RUNS_IT = new Set(['mssql']);

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
      if (/Microsoft|Windows/i.test(text) && !LINUX_RUNS_IT.has(l.service)) problems.push(`${l.service}: a Windows product on a Linux persona ("${text}")`);
    }
    assert.deepEqual(problems, [], r.stdout);
  });
});

describe('realism: Windows flavours, when configured, are named as Windows', { skip: missing('nmap', 'nmap') }, () => {
  let w: Install;
  before(async () => {
    w = await install((hn) => {
      for (const [name, s] of Object.entries(hn.services)) s.enabled = name === 'smb' || name === 'rdp';
      hn.services.smb.flavor = 'windows';
      hn.services.rdp.flavor = 'windows';
      hn.banners = [];
    });
  });
  after(async () => {
    await w?.sensor.stop();
    if (w) rmSync(w.dir, { recursive: true, force: true });
  });

  it('SMB as Microsoft Windows netbios-ssn, RDP as Microsoft Terminal Services', async () => {
    const r = await run('nmap', ['-sV', '-Pn', '-n', '-p', `${w.port('smb')},${w.port('rdp')}`, '127.0.0.1'], { timeout: 300_000 });
    const line = (s: string) => r.stdout.split('\n').find((x) => x.startsWith(`${w.port(s)}/tcp`)) ?? '';
    assert.match(line('smb'), /open\s+netbios-ssn\s+Microsoft Windows netbios-ssn/, r.stdout);
    assert.match(line('rdp'), /open\s+ms-wbt-server\s+Microsoft Terminal Services/, r.stdout);
    assert.doesNotMatch(r.stdout, /honeypot|SF-Port/i);
  });
});

/** Bytes that identify an install, per service, and when two installs may show the same. */
interface Probe {
  /** What to send (after each quiet period). */
  send: Array<string | Buffer>;
  /** A probe that needs more than a conversation (a TLS certificate behind a handshake). */
  custom?: (port: number) => Promise<string>;
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
  // StartupMessage, then SCRAM's first message: the salt that comes back is the install's own for that role.
  postgres: { send: [startupMessage({ user: 'probe', database: 'postgres' }), saslInitial('n,,n=,r=realismprobenonce0123456')] },
  pop3: { send: [], constant: /^\+OK Dovecot \(Debian\) ready\.\r\n$/ },
  // The portal page is the install's own (titles, colours); only the Date header differs by time alone.
  http: { send: ['GET / HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n'], normalise: (s) => s.replace(/^Date: .*\r\n/m, '') },
  https: { send: [], custom: (port) => certificateAfter(port, Buffer.alloc(0), 0) },
  // SMB2 NEGOTIATE: the server GUID is the install's own (the system time would differ anyway: compared without it).
  smb: { send: [smb2Negotiate()], normalise: (s) => s.slice(4 + 64 + 8, 4 + 64 + 24) },
  // xrdp's X.224 answer is its own constant; the snakeoil certificate behind the TLS handshake is the install's.
  rdp: { send: [], custom: (port) => rdpCertificate(port) },
  // The PRELOGIN answer is the release's constant; the fallback certificate is new on every start.
  mssql: { send: [], custom: (port) => mssqlCertificate(port) },
};

/** NetBIOS + SMB2 NEGOTIATE offering 2.0.2, 2.1, 3.0, 3.0.2 (no 3.1.1 contexts needed). */
function smb2Negotiate(): Buffer {
  const dialects = [0x0202, 0x0210, 0x0300, 0x0302];
  const header = Buffer.alloc(64);
  header.write('\xfeSMB', 0, 'latin1');
  header.writeUInt16LE(64, 4);
  const body = Buffer.alloc(36 + dialects.length * 2);
  body.writeUInt16LE(36, 0);
  body.writeUInt16LE(dialects.length, 2);
  body.writeUInt16LE(1, 4); // signing enabled
  dialects.forEach((d, i) => body.writeUInt16LE(d, 36 + i * 2));
  const msg = Buffer.concat([header, body]);
  const nb = Buffer.alloc(4);
  nb.writeUInt32BE(msg.length);
  return Buffer.concat([nb, msg]);
}

/** The certificate behind a TLS upgrade that starts after `preamble` is answered with `answerBytes`. */
function certificateAfter(port: number, preamble: Buffer, answerBytes: number, wrap?: (s: import('node:net').Socket) => import('node:stream').Duplex): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = netConnect(port, '127.0.0.1');
    sock.on('error', reject);
    let got = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length < answerBytes) return;
      sock.off('data', onData);
      startTls();
    };
    const startTls = () => {
      const t = tlsConnect({ socket: (wrap ? wrap(sock) : sock) as import('node:net').Socket, rejectUnauthorized: false }, () => {
        const raw = t.getPeerCertificate(true).raw;
        t.destroy();
        resolve(new X509Certificate(raw).fingerprint256);
      });
      t.on('error', reject);
    };
    if (answerBytes === 0) sock.on('connect', startTls);
    else {
      sock.on('data', onData);
      sock.on('connect', () => sock.write(preamble));
    }
  });
}

/** RDP: X.224 Connection Request asking for TLS, the 19-byte Connection Confirm, then TLS on the same stream. */
function rdpCertificate(port: number): Promise<string> {
  const cookie = Buffer.from('Cookie: mstshash=probe\r\n');
  const neg = Buffer.from([1, 0, 8, 0, 1, 0, 0, 0]);
  const x224 = Buffer.concat([Buffer.from([0, 0xe0, 0, 0, 0, 0, 0]), cookie, neg]);
  x224[0] = x224.length - 1;
  const tpkt = Buffer.from([3, 0, 0, 0]);
  tpkt.writeUInt16BE(4 + x224.length, 2);
  return certificateAfter(port, Buffer.concat([tpkt, x224]), 19);
}

/** MSSQL: the TLS handshake rides inside TDS PRELOGIN packets, so nmap's ssl-cert way is used: `nmap --script ssl-cert`. */
async function mssqlCertificate(port: number): Promise<string> {
  const r = await run('nmap', ['-sV', '-Pn', '-n', '-p', String(port), '--script', 'ssl-cert', '127.0.0.1'], { timeout: 180_000 });
  const sha = /SHA-1: ([0-9a-f ]+)/.exec(r.stdout)?.[1];
  assert.ok(sha, r.stdout);
  assert.match(r.stdout, /Subject: commonName=SSL_Self_Signed_Fallback/);
  return sha;
}

function startupMessage(params: Record<string, string>): Buffer {
  const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), ...Object.entries(params).map(([k, v]) => Buffer.from(`${k}\0${v}\0`)), Buffer.from([0])]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length + 4);
  return Buffer.concat([len, body]);
}

function saslInitial(clientFirst: string): Buffer {
  const body = Buffer.concat([Buffer.from('SCRAM-SHA-256\0'), Buffer.alloc(4), Buffer.from(clientFirst)]);
  body.writeInt32BE(clientFirst.length, 14);
  const head = Buffer.from([0x70, 0, 0, 0, 0]);
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
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
      const norm = probe.normalise ?? ((s: string) => s);
      const [ta, tb] = await Promise.all(
        [a, b].map(async (i) => (probe.custom ? probe.custom(i.port(service)) : norm((await converse(i.port(service), probe.send, 400)).all.toString('latin1')))),
      ) as [string, string];
      if (ta.length === 0) problems.push(`${service}: said nothing to its probe`);
      else if (ta === tb && !(probe.constant && probe.constant.test(ta))) problems.push(`${service}: both installs answered ${JSON.stringify(ta.slice(0, 200))}`);
    }
    assert.deepEqual(problems, []);
  });

  it('the connect scan surface is the same shape on both (same services, nothing extra)', () => {
    assert.deepEqual(a.sensor.addresses.map((x) => x.service).sort(), b.sensor.addresses.map((x) => x.service).sort());
  });

});
