/** Outputs that must agree with each other, as they do on a real machine. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shell } from './session-helper.js';

function meminfo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^([\w()]+):\s+(\d+)/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

describe('consistency between commands and /proc, /etc', () => {
  it('free agrees with /proc/meminfo (procps-ng 4 formulas)', () => {
    const s = shell();
    const mi = meminfo(s.run('cat /proc/meminfo'));
    const row = s.run('free').split('\n')[1]!.split(/\s+/).slice(1).map(Number);
    const [total, used, free, shared, buffCache, available] = row;
    assert.equal(total, mi.MemTotal);
    assert.equal(free, mi.MemFree);
    assert.equal(shared, mi.Shmem);
    assert.equal(available, mi.MemAvailable);
    assert.equal(used, mi.MemTotal! - mi.MemAvailable!);
    assert.equal(buffCache, mi.Buffers! + mi.Cached! + mi.SReclaimable!);
    assert.equal(s.run('free -m').split('\n')[1]!.split(/\s+/)[1], String(Math.floor(mi.MemTotal! / 1024)));
  });

  it('uptime, /proc/uptime, /proc/loadavg, w and top agree, and time moves on', () => {
    const s = shell();
    const procUp = Number(s.run('cat /proc/uptime').split(' ')[0]);
    assert.equal(procUp, 14 * 86_400 + 3 * 3_600 + 4 * 60);
    const load = s.run('cat /proc/loadavg').split(' ').slice(0, 3).join(', ');
    assert.ok(s.run('uptime').endsWith(`load average: ${load}\n`));
    assert.ok(s.run('w').split('\n')[0]!.endsWith(`load average: ${load}`));
    assert.ok(s.run('top -bn1').split('\n')[0]!.endsWith(`load average: ${load}`));
    s.clock.now += 3_600_000;
    assert.equal(Number(s.run('cat /proc/uptime').split(' ')[0]), procUp + 3_600);
    assert.match(s.run('uptime'), /up 14 days,  4:04/);
  });

  it('hostname agrees with /etc/hostname, /proc/sys/kernel/hostname and the prompt', () => {
    const s = shell();
    const name = s.run('hostname');
    assert.equal(s.run('cat /etc/hostname'), name);
    assert.equal(s.run('cat /proc/sys/kernel/hostname'), name);
    assert.equal(s.session.prompt(), `root@${name.trim()}:~# `);
  });

  it('id agrees with /etc/passwd and /etc/group', () => {
    const s = shell({ user: 'mkowalski' });
    const passwd = s.run('grep ^mkowalski: /etc/passwd').split(':');
    const idOut = s.run('id');
    assert.ok(idOut.startsWith(`uid=${passwd[2]}(mkowalski) gid=${passwd[3]}(mkowalski)`));
    for (const m of idOut.matchAll(/(\d+)\(([\w-]+)\)/g)) {
      assert.match(s.run(`grep "^${m[2]}:" /etc/group`), new RegExp(`^${m[2]}:x:${m[1]}:`));
    }
    assert.equal(s.run('id -Gn'), 'mkowalski adm sudo\n');
  });

  it('ps shows the session shell, its login chain and daemons; /proc/self is the shell', () => {
    const s = shell();
    const ps = s.run('ps -ef');
    assert.match(ps, /\nroot +4242 +4241 +0 09:30 pts\/0 +00:00:00 -bash\n/);
    assert.match(ps, /sshd: root@pts\/0/);
    assert.match(ps, /sshd: \/usr\/sbin\/sshd -D \[listener\] 0 of 10-100 startups/);
    assert.match(ps, /\/usr\/sbin\/cron -f/);
    assert.match(ps, /ps -ef\n$/);
    assert.match(s.run('cat /proc/self/status'), /^Name:\tbash\n[\s\S]*\nPid:\t4242\nPPid:\t4241\n/);
    assert.equal(s.run('readlink /proc/self 2>/dev/null || ls -l /proc/self | cut -d" " -f11'), '4242\n');
    assert.equal(s.run('cat /proc/4242/comm'), 'bash\n');
  });

  it('w and who show the session user, tty and source address', () => {
    const s = shell({ user: 'deploy' });
    assert.match(s.run('w -h'), /^deploy +pts\/0 +203\.0\.113\.9 /);
    assert.match(s.run('who'), /^deploy +pts\/0 +2025-05-14 09:30 \(203\.0\.113\.9\)\n$/);
    assert.match(s.run('ss -tn'), /203\.0\.113\.9:51234/);
  });

  it('cpu count agrees between nproc, /proc/cpuinfo and lscpu', () => {
    const s = shell();
    const n = s.run('nproc').trim();
    assert.equal(s.run('grep -c ^processor /proc/cpuinfo').trim(), n);
    assert.match(s.run('lscpu'), new RegExp(`\\nCPU\\(s\\): +${n}\\n`));
    assert.equal(s.run('grep -m1 "model name" /proc/cpuinfo'), 'model name\t: Intel(R) Xeon(R) Gold 6230R CPU @ 2.10GHz\n');
  });

  it('mount, /proc/mounts and df list the same filesystems', () => {
    const s = shell();
    const mounts = s.run('cat /proc/mounts').split('\n').filter(Boolean).map((l) => l.split(' ')[1]);
    const fromMount = s.run('mount').split('\n').filter(Boolean).map((l) => l.split(' ')[2]);
    assert.deepEqual(fromMount, mounts);
    for (const target of s.run('df').split('\n').slice(1).filter(Boolean).map((l) => l.split(/\s+/).pop())) {
      assert.ok(mounts.includes(target), `${target} is mounted`);
    }
  });

  it('uname agrees with /proc/version and /proc/sys/kernel/osrelease', () => {
    const s = shell();
    const r = s.run('uname -r').trim();
    assert.equal(s.run('cat /proc/sys/kernel/osrelease').trim(), r);
    assert.match(s.run('cat /proc/version'), new RegExp(`^Linux version ${r.replace(/\./g, '\\.')} \\(debian-kernel@lists\\.debian\\.org\\)`));
  });
});
