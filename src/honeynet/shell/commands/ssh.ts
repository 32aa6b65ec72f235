import type { ShellCommand } from '../command.js';
import { resolvable } from './lib/fake-download.js';

/** `ssh [user@]host`: resolves (without DNS) and times out; no connection is made. */
export const ssh = {
  name: 'ssh',
  paths: ['/usr/bin/ssh'],
  run(args, io) {
    if (args.includes('-V')) {
      io.err('OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.15 3 Sep 2024\n');
      return 0;
    }
    const takesValue = new Set(['-p', '-i', '-l', '-o', '-F', '-L', '-R', '-D', '-b', '-c', '-m', '-J', '-W', '-E', '-S']);
    let port = '22';
    let target: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-p') port = args[i + 1] ?? '22';
      if (takesValue.has(a)) i++;
      else if (!a.startsWith('-')) {
        target = a;
        break;
      }
    }
    if (!target) {
      io.err('usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]\n           [-c cipher_spec] [-D [bind_address:]port] [-E log_file]\n           [-e escape_char] [-F configfile] [-I pkcs11] [-i identity_file]\n           [-J destination] [-L address] [-l login_name] [-m mac_spec]\n           [-O ctl_cmd] [-o option] [-P tag] [-p port] [-R address]\n           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]\n           destination [command [argument ...]]\n');
      return 255;
    }
    const host = target.slice(target.lastIndexOf('@') + 1);
    if (!resolvable(host)) {
      io.err(`ssh: Could not resolve hostname ${host}: Name or service not known\n`);
      return 255;
    }
    io.err(`ssh: connect to host ${host} port ${port}: Connection timed out\n`);
    return 255;
  },
} satisfies ShellCommand;
