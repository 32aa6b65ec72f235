/**
 * `lnmt sensor` end to end: the real binary with its generated persona, the real OpenSSH client logging in with a
 * password (SSH_ASKPASS) and running a command in the emulated shell, a Telnet login by hand, then the sessions
 * and their events through `lnmt honeypot sessions|show` and the Cowrie-compatible JSON log. Loopback only.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runSsh } from '../fixtures/openssh-client.js';
import { TempDirs, ensureBuilt, freePort, lnmt, start, waitFor } from './helpers.js';

const dirs = new TempDirs();
let cwd: string;
let sshPort: number;
let telnetPort: number;
let sensor: ReturnType<typeof start>;
let out = '';

before(async () => {
  ensureBuilt();
  cwd = dirs.make();
  sshPort = await freePort();
  telnetPort = await freePort();
  writeFileSync(join(cwd, 'lnmt.yaml'), [
    'honeynet:',
    '  services:',
    `    ssh: { enabled: true, port: ${sshPort}, bind: 127.0.0.1, auth: { mode: credentials, credentials: [{ username: root, password: "Passw0rd" }] }, failDelayMs: 0, maxAttempts: 6 }`,
    `    telnet: { enabled: true, port: ${telnetPort}, bind: 127.0.0.1, auth: { mode: after, attempts: 2 }, failDelayMs: 0, maxAttempts: 3 }`,
    '',
  ].join('\n'));
  sensor = start(['sensor'], { cwd });
  sensor.stdout!.on('data', (d) => (out += d));
  sensor.stderr!.on('data', (d) => (out += d));
  await waitFor('the sensor to listen', () => (out.includes('sensor: ssh on') ? true : undefined), 30_000);
});
after(async () => {
  if (sensor.exitCode === null) {
    sensor.kill('SIGTERM');
    await new Promise((r) => sensor.once('exit', r));
  }
  dirs.cleanup();
});

const ssh = (args: string[], password: string) => runSsh(sshPort, ['-o', 'PubkeyAuthentication=no', ...args], [password], cwd);

describe('lnmt sensor', () => {
  it('serves SSH as the persona: a failed then a successful login, and commands in the emulated shell', async () => {
    const persona = JSON.parse(readFileSync(join(cwd, 'lnmt-data', 'honeynet', 'persona.json'), 'utf8')) as { hostname: string; kernel: { release: string }; ssh: { versionString: string } };
    const banner = await new Promise<string>((resolve) => {
      const s = connect(sshPort, '127.0.0.1');
      s.once('data', (d) => {
        resolve(d.toString('latin1').split('\r\n')[0]!);
        s.destroy();
      });
    });
    assert.equal(banner, persona.ssh.versionString);
    const bad = await ssh(['root@127.0.0.1', 'id'], 'wrong');
    assert.notEqual(bad.code, 0);
    const good = await ssh(['root@127.0.0.1', 'hostname; uname -r; whoami'], 'Passw0rd');
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stdout, `${persona.hostname}\n${persona.kernel.release}\nroot\n`);
  });

  it('nmap -sV names the SSH product and version of the persona', async () => {
    const persona = JSON.parse(readFileSync(join(cwd, 'lnmt-data', 'honeynet', 'persona.json'), 'utf8')) as { ssh: { versionString: string } };
    const expected = `OpenSSH ${persona.ssh.versionString.replace(/^SSH-2\.0-OpenSSH_/, '').replace('-', ' ')}`;
    const out = execFileSync('nmap', ['-sV', '-Pn', '-p', String(sshPort), '127.0.0.1'], { encoding: 'utf8', timeout: 120_000 });
    const line = out.split('\n').find((l) => l.startsWith(`${sshPort}/tcp`)) ?? '';
    assert.match(line, /open\s+ssh\s+/);
    // nmap adds the OS it infers from the banner: `(protocol 2.0)` for Debian, `(Ubuntu Linux; protocol 2.0)`.
    assert.ok(new RegExp(`${expected.replace(/[.+]/g, '\\$&')} \\((Ubuntu Linux; )?protocol 2\\.0\\)`).test(line), `nmap said: ${line}; expected ${expected}`);
  });

  it('serves Telnet: login prompt of the persona, any password accepted on the second attempt', async () => {
    const s = connect(telnetPort, '127.0.0.1');
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    /** Waits until `t` has appeared `n` times in everything received. */
    const until = (t: string, n = 1) => waitFor(`telnet "${t}" x${n}`, () => (got.split(t).length - 1 >= n ? true : undefined), 10_000);
    s.write(Buffer.from([255, 252, 24, 255, 252, 32, 255, 252, 35, 255, 252, 39])); // WONT to telnetd's first DOs
    await until(' login: ');
    s.write('admin\r\n');
    await until('Password: ');
    s.write('admin\r\n');
    await until('Login incorrect');
    await until(' login: ', 2);
    s.write('root\r\n');
    await until('Password: ', 2);
    s.write('12345\r\n');
    await until('# ');
    // The emulated shell's login banner: the persona's kernel, and the last login in ctime format.
    const persona = JSON.parse(readFileSync(join(cwd, 'lnmt-data', 'honeynet', 'persona.json'), 'utf8')) as { hostname: string; kernel: { release: string }; os: { id: string } };
    assert.ok(got.includes(persona.os.id === 'ubuntu' ? `(GNU/Linux ${persona.kernel.release} x86_64)` : `Linux ${persona.hostname} ${persona.kernel.release} `), got);
    assert.match(got, /Last login: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} from \d+\.\d+\.\d+\.\d+\r\n/);
    s.write('echo $((6*7))\r\n');
    await until('42\r\n');
    s.write('exit\r\n');
    await new Promise((r) => s.once('close', r));
  });

  it('lists the sessions and shows their events after the sensor stops; the JSON log has Cowrie field names', async () => {
    sensor.kill('SIGTERM');
    await new Promise((r) => sensor.once('exit', r));
    const r = await lnmt(['honeypot', 'sessions', '--json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as { items: Array<{ id: string; service: string; username: string | null; password: string | null; logged_in: boolean; commands: number }> };
    const ssh = list.items.filter((i) => i.service === 'ssh' && i.username === 'root');
    assert.ok(ssh.some((i) => i.logged_in && i.password === 'Passw0rd' && i.commands === 1), JSON.stringify(list.items));
    const telnet = list.items.find((i) => i.service === 'telnet' && i.logged_in)!;
    assert.equal(telnet.commands, 2);
    const show = await lnmt(['honeypot', 'show', telnet.id.slice(0, 13)], { cwd });
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /\$ echo \$\(\(6\*7\)\)/);
    const log = readFileSync(join(cwd, 'lnmt-data', 'honeynet', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const success = log.find((l) => l.eventid === 'cowrie.login.success' && l.protocol === 'ssh')!;
    assert.deepEqual([success.username, success.password, success.src_ip], ['root', 'Passw0rd', '127.0.0.1']);
    assert.ok(log.some((l) => l.eventid === 'cowrie.command.input' && l.input === 'echo $((6*7))'));
  });
});
