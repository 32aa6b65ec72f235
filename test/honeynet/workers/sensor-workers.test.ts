/**
 * `honeynet.workers`: the sensor's services in worker processes. The primary binds and admits (one set of limits
 * for all workers), hands each socket to the least-loaded worker, logs and publishes what the workers report; a
 * worker killed with SIGKILL has its sessions closed in the record and is replaced; as root with `honeynet.user`
 * the workers run as that user (the only processes that read attacker bytes).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { MemoryBus } from '../../../src/core/bus/memory-bus.js';
import { loadConfig } from '../../../src/core/config/load-config.js';
import type { AnyEvent } from '../../../src/core/events.js';
import { silentLogger } from '../../../src/core/logger.js';
import { generateHostKeys } from '../../../src/honeynet/persona/host-keys.js';
import { PACKET, tdsPackets } from '../../../src/honeynet/services/mssql/tds-packet.js';
import { ENCRYPT, preloginRequest } from '../../../src/honeynet/services/mssql/tds-prelogin.js';
import { Sensor } from '../../../src/honeynet/sensor.js';
import { lookupSystemUser } from '../../../src/honeynet/workers/system-user.js';
import { runSsh } from '../../fixtures/openssh-client.js';
import { TEST_PERSONA } from '../persona-fixture.js';

const PERSONA = { ...TEST_PERSONA, hostKeys: generateHostKeys(TEST_PERSONA.hostname) };
const dirs: string[] = [];
const sensors: Sensor[] = [];
after(async () => {
  for (const s of sensors) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function startSensor(tune: (c: ReturnType<typeof loadConfig>['config']) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'lnmt-workers-'));
  dirs.push(dir);
  const { config } = loadConfig({ env: { LNMT_DATA_DIR: join(dir, 'data'), LNMT_LOG__LEVEL: 'silent' }, cwd: dir });
  for (const s of [config.honeynet.services.ssh, config.honeynet.services.telnet]) {
    s.port = 0 as number; // any free port (the schema allows 1-65535 for users)
    s.bind = '127.0.0.1';
    s.failDelayMs = 0;
  }
  config.honeynet.services.ssh.auth = { mode: 'credentials', credentials: [{ username: 'root', password: 'letmein' }] };
  tune(config);
  const bus = new MemoryBus({ logger: silentLogger() });
  const events: AnyEvent[] = [];
  bus.subscribe({ name: 'test', types: ['honeypot.*'] }, (batch) => void events.push(...batch));
  const status = new Map<string, { status: string; detail: string }>();
  const sensor = new Sensor({
    config, bus, logger: silentLogger(), cwd: dir, persona: async () => PERSONA,
    services: { shell: () => { throw new Error('workers build their own shell'); } },
    onStatus: (name, st) => status.set(name, st),
  });
  sensors.push(sensor);
  await sensor.start();
  const port = (service: string) => sensor.addresses.find((a) => a.service === service)!.port;
  return { dir, config, sensor, events, status, port };
}

async function until<T>(what: string, f: () => T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A port below 1024 that nothing listens on (root binds it; nobody could). */
async function freePrivilegedPort(): Promise<number> {
  for (let p = 700; p < 1024; p++) {
    const ok = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(p, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (ok) return p;
  }
  throw new Error('no free port below 1024');
}

/** Connects and resolves with the socket once the first bytes arrived (the service is talking). */
function talk(port: number): Promise<{ socket: Socket; first: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('data', (d) => resolve({ socket, first: d.toString('latin1') }));
  });
}

/**
 * The certificate a TDS client is shown: PRELOGIN with encryption on, then the TLS handshake carried in PRELOGIN
 * packets, as SQL Server clients do it. The socket stays open (the caller closes it).
 */
async function mssqlCertificate(port: number): Promise<{ fingerprint: string; socket: Socket }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(tdsPackets(PACKET.PRELOGIN, preloginRequest({ encryption: ENCRYPT.ON })));
  let buf = Buffer.alloc(0);
  const packets: Buffer[] = [];
  const wanted: Array<() => void> = [];
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 8 && buf.length >= buf.readUInt16BE(2)) {
      packets.push(buf.subarray(8, buf.readUInt16BE(2)));
      buf = buf.subarray(buf.readUInt16BE(2));
    }
    for (const w of wanted.splice(0)) w();
  });
  const next = async (): Promise<Buffer> => {
    while (packets.length === 0) await new Promise<void>((r) => wanted.push(r));
    return packets.shift()!;
  };
  await next(); // the PRELOGIN answer
  const carrier = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      socket.write(tdsPackets(PACKET.PRELOGIN, chunk));
      cb();
    },
  });
  const pump = async () => {
    for (;;) carrier.push(await next());
  };
  void pump();
  const secure = tlsConnect({ socket: carrier, rejectUnauthorized: false });
  await once(secure, 'secureConnect');
  return { fingerprint: secure.getPeerCertificate().fingerprint256, socket };
}

describe('sensor workers', () => {
  it('spreads connections evenly over the workers, with one set of limits and one event stream', async () => {
    const { sensor, events, port, status } = await startSensor((c) => {
      c.honeynet.workers = 2;
      c.honeynet.limits.maxPerIp = 6;
    });
    const load = sensor.workerLoad();
    assert.equal(load.length, 2);
    assert.ok(load.every((w) => w.ready && w.pid !== process.pid));
    assert.match(status.get('honeypot:workers')?.detail ?? '', /2 worker processes/);
    const held = [];
    for (let i = 0; i < 6; i++) {
      const { socket, first } = await talk(port('ssh'));
      assert.equal(first.split('\r\n')[0], PERSONA.ssh.versionString);
      held.push(socket);
    }
    assert.deepEqual(sensor.workerLoad().map((w) => w.open), [3, 3]);
    // The per-IP cap is the primary's, so it counts across workers: the seventh is refused.
    const refused = connect(port('telnet'), '127.0.0.1');
    await new Promise((r) => refused.once('close', r));
    await until('the refusal event', () => events.find((e) => e.type === 'honeypot.connect' && e.data.refused === 'per-ip-limit'));
    for (const s of held) s.destroy();
    await until('six close events', () => events.filter((e) => e.type === 'honeypot.close').length === 6);
    await until('the admissions given back', () => sensor.workerLoad().every((w) => w.open === 0));
    const t = await talk(port('telnet'));
    t.socket.destroy();
    const ssh = await new Promise<string>((resolve) => {
      const c = new ssh2.Client();
      c.on('error', (e) => resolve(e.message));
      c.on('ready', () => {
        c.end();
        resolve('ready');
      });
      c.connect({ host: '127.0.0.1', port: port('ssh'), username: 'root', password: 'letmein', readyTimeout: 10_000 });
    });
    assert.equal(ssh, 'ready');
    const auth = await until('the auth event from a worker', () => events.find((e) => e.type === 'honeypot.auth'));
    assert.equal(auth.type === 'honeypot.auth' && auth.data.password, 'letmein');
  });

  it('a worker killed with SIGKILL: its sessions are closed in the record, its admissions freed, and it is replaced', async () => {
    const { sensor, events, port } = await startSensor((c) => {
      c.honeynet.workers = 2;
      c.honeynet.services.ssh.enabled = false;
    });
    const a = await talk(port('telnet'));
    const b = await talk(port('telnet'));
    const victim = sensor.workerLoad()[0]!;
    assert.equal(victim.open, 1);
    process.kill(victim.pid!, 'SIGKILL');
    const closed = await until('the close event of the lost session', () => events.find((e) => e.type === 'honeypot.close' && e.data.reason === 'worker exited'));
    assert.ok(closed);
    await until('the replacement worker', () => {
      const w = sensor.workerLoad()[0]!;
      return w.ready && w.pid !== victim.pid;
    }, 15_000);
    assert.equal(sensor.workerLoad()[0]!.open, 0);
    const c = await talk(port('telnet'));
    assert.match(c.first, /\xff/); // option negotiation from the new worker
    for (const s of [a, b, c]) s.socket.destroy();
  });

  it("every worker shows the same MSSQL fallback certificate: made once per sensor start, as sqlservr's is", async () => {
    const { sensor, port } = await startSensor((c) => {
      c.honeynet.workers = 2;
      c.honeynet.services.mssql = { ...c.honeynet.services.mssql, enabled: true, port: 0 as number, bind: '127.0.0.1' };
    });
    const first = await mssqlCertificate(port('mssql'));
    const second = await mssqlCertificate(port('mssql'));
    try {
      assert.deepEqual(sensor.workerLoad().map((w) => w.open), [1, 1], 'one connection on each worker');
      assert.equal(second.fingerprint, first.fingerprint);
    } finally {
      first.socket.destroy();
      second.socket.destroy();
    }
  });

  it('stopping closes every open session and delivers its close event before stop() resolves', async () => {
    const { sensor, events, port } = await startSensor((c) => {
      c.honeynet.workers = 2;
    });
    const open = await Promise.all([talk(port('ssh')), talk(port('telnet')), talk(port('telnet'))]);
    await sensor.stop();
    const closes = events.filter((e) => e.type === 'honeypot.close');
    assert.equal(closes.length, 3);
    assert.ok(closes.every((e) => e.type === 'honeypot.close' && e.data.reason === 'sensor stopping'));
    for (const o of open) o.socket.destroy();
  });

  it('an unknown honeynet.user is a configuration error that names the key', () => {
    assert.throws(() => lookupSystemUser('no-such-user-lnmt'), (err: Error & { details?: Array<{ where: string }> }) => {
      assert.match(err.message, /honeynet\.user: there is no user "no-such-user-lnmt"/);
      assert.equal(err.details?.[0]?.where, 'honeynet.user');
      return true;
    });
  });

  const root = process.getuid?.() === 0;
  it('as root with honeynet.user: the workers run as that user, uploads still land in quarantine', { skip: root ? false : 'needs root' }, async () => {
    const nobody = lookupSystemUser('nobody');
    const privileged = await freePrivilegedPort();
    const { sensor, dir, config, port } = await startSensor((c) => {
      c.honeynet.services.ssh.port = privileged; // only root can bind it; the workers never bind
      c.honeynet.user = 'nobody';
      c.honeynet.workers = 1;
      c.honeynet.services.telnet.enabled = false;
    });
    assert.equal(port('ssh'), privileged);
    const [w] = sensor.workerLoad();
    const st = readFileSync(`/proc/${w!.pid}/status`, 'utf8');
    assert.match(st, new RegExp(`^Uid:\\s+${nobody.uid}\\s+${nobody.uid}\\s+${nobody.uid}\\s+${nobody.uid}$`, 'm'));
    assert.match(st, new RegExp(`^Gid:\\s+${nobody.gid}\\s+${nobody.gid}\\s+${nobody.gid}\\s+${nobody.gid}$`, 'm'));
    assert.match(st, /^Groups:\s*$/m); // root's supplementary groups are gone too
    const file = join(dir, 'payload.bin');
    const body = Buffer.from('#!/bin/sh\necho owned\n');
    await import('node:fs').then((fs) => fs.writeFileSync(file, body));
    const r = await runSsh(port('ssh'), ['-o', 'PubkeyAuthentication=no', file, 'root@127.0.0.1:/tmp/payload.bin'], ['letmein'], dir, 20_000, 'scp');
    assert.equal(r.code, 0, r.stderr);
    const qdir = join(dir, 'data', config.honeynet.quarantine.dir);
    const sha = (await import('node:crypto')).createHash('sha256').update(body).digest('hex');
    await until('the quarantined upload', () => readdirSync(qdir).includes(sha));
    const q = statSync(join(qdir, sha));
    assert.equal(q.uid, nobody.uid);
    assert.equal(q.mode & 0o777, 0o400);
  });
});
