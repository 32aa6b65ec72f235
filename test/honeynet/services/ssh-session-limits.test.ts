/**
 * The SSH honeypot with the real emulated shell: an interactive session through a pty driven by the real
 * OpenSSH client (`sshpass` + `ssh -tt`), recorded as an asciicast transcript; and a 100 MB upload that stops at
 * the caps (the quarantine keeps the capped prefix, the session ends at its input byte limit) while the
 * process's memory stays flat. Needs ssh and sshpass (.ci/run installs them).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateHostKeys } from '../../../src/honeynet/persona/host-keys.js';
import { sshService } from '../../../src/honeynet/services/ssh/ssh-service.js';
import { emulatedShell } from '../../../src/honeynet/shell-adapter.js';
import { runSsh } from '../../fixtures/openssh-client.js';
import { which } from '../ssh-profile/nmap-enum-algos.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { startTestService, type TestService } from './service-harness.js';

const persona = { ...TEST_PERSONA, hostKeys: generateHostKeys(TEST_PERSONA.hostname) };
const FILE_CAP = 8 << 20;
const SESSION_CAP = 24 << 20;
const missing = ['ssh', 'sshpass'].filter((t) => !which(t));
if (missing.length && process.env.CI === 'true') throw new Error(`${missing.join(', ')} required in CI: .ci/run installs them`);

let svc: TestService;
before(async () => {
  svc = await startTestService(sshService({ shell: emulatedShell() }), {
    persona, settings: { auth: { mode: 'credentials', credentials: [{ username: 'root', password: 'toor' }] }, failDelayMs: 0, maxAttempts: 6 },
    limits: { maxConnections: 50, maxPerIp: 50, connectsPerMinutePerIp: 1000 }, session: { idleTimeoutMs: 20_000, maxSessionMs: 120_000, maxBytesIn: SESSION_CAP, maxBytesOut: 1 << 20 },
    maxFileBytes: FILE_CAP, maxTotalBytes: 1 << 30,
  });
});
after(() => svc.close());

const sshOpts = (port: number) => ['-p', String(port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'PubkeyAuthentication=no'];

describe('ssh honeypot sessions and caps', { skip: missing.length ? `missing ${missing.join(', ')}` : false }, () => {
  it('an interactive pty session (sshpass + ssh -tt): prompt, echo, commands in the emulated shell, a transcript', async () => {
    const port = svc.listener.address.port;
    const p = spawn('sshpass', ['-p', 'toor', 'ssh', '-tt', ...sshOpts(port), 'root@127.0.0.1'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const waitFor = async (re: RegExp) => {
      const end = Date.now() + 15_000;
      while (!re.test(out)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${re} in: ${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitFor(new RegExp(`root@${persona.hostname}:~# $`));
    p.stdin.write('cd /tmp; echo "$PWD" && id\n');
    await waitFor(/uid=0\(root\) gid=0\(root\) groups=0\(root\)[\s\S]*root@[^:]+:\/tmp# $/);
    p.stdin.write('exit\n');
    const code = await new Promise((r) => p.once('close', r));
    assert.equal(code, 0, out);
    assert.match(out, /\/tmp\r\n/);
    const cmds = svc.events.filter((e) => e.type === 'honeypot.command').map((e) => (e.type === 'honeypot.command' ? e.data.input : ''));
    assert.deepEqual(cmds, ['cd /tmp; echo "$PWD" && id', 'exit']);
    const session = svc.events.find((e) => e.type === 'honeypot.command')!.session!;
    const cast = join(svc.dir, 'rec', `${session}.cast`);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(existsSync(cast), 'transcript written');
    const [header, ...frames] = readFileSync(cast, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    assert.equal((header as { version: number }).version, 2);
    assert.ok(frames.some((f) => Array.isArray(f) && f[1] === 'o' && String(f[2]).includes('uid=0(root)')));
  });

  it('a 100 MB upload stops at the caps: the quarantine keeps the first 8 MiB, the session ends at 24 MiB in, memory stays flat', async () => {
    const port = svc.listener.address.port;
    // 100 MB of a repeatable pattern, written to disk once (scp reads the file; the test never holds it).
    const file = join(svc.dir, 'huge.bin');
    const block = Buffer.alloc(1 << 20);
    for (let i = 0; i < block.length; i++) block[i] = (i * 31 + 7) & 0xff;
    await new Promise<void>((resolve, reject) => {
      const w = createWriteStream(file);
      w.on('error', reject);
      let n = 0;
      const more = () => {
        while (n < 100) if (!w.write(block, () => {}) && ++n) return void w.once('drain', more);
        else n++;
        w.end(resolve);
      };
      more();
    });
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const r = await runSsh(port, ['-o', 'PubkeyAuthentication=no', file, 'root@127.0.0.1:/tmp/huge.bin'], ['toor'], svc.dir, 60_000, 'scp');
    clearInterval(sampler);
    assert.notEqual(r.code, 0, 'the upload cannot complete');
    await new Promise((res) => setTimeout(res, 300));
    const up = svc.events.find((e) => e.type === 'honeypot.upload' && e.data.filename === '/tmp/huge.bin');
    assert.ok(up && up.type === 'honeypot.upload', 'the upload is recorded');
    assert.equal(up.data.truncated, true);
    assert.equal(up.data.size, FILE_CAP);
    const prefix = Buffer.concat(Array.from({ length: FILE_CAP >> 20 }, () => block));
    assert.equal(up.data.sha256, createHash('sha256').update(prefix).digest('hex'));
    const close = svc.events.find((e) => e.type === 'honeypot.close' && e.session === up.session);
    assert.ok(close && close.type === 'honeypot.close');
    assert.equal(close.data.reason, 'input byte limit');
    assert.ok(close.data.bytes_in < SESSION_CAP + (1 << 20), `read ${close.data.bytes_in} bytes`);
    assert.ok(peak - rssBefore < 96 << 20, `RSS grew by ${Math.round((peak - rssBefore) / 1048576)} MB`);
  });
});
