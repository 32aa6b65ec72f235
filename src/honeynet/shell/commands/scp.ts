import type { ShellCommand } from '../command.js';
import { resolvable } from './lib/fake-download.js';

/** `scp SRC... DEST`: remote ends time out like an unreachable host; no connection is made. */
export const scp = {
  name: 'scp',
  paths: ['/usr/bin/scp'],
  run(args, io) {
    const operands = args.filter((a, i) => !a.startsWith('-') && !['-P', '-i', '-o', '-F', '-l', '-c', '-S'].includes(args[i - 1] ?? ''));
    if (operands.length < 2) {
      io.err('usage: scp [-346ABCOpqRrsTv] [-c cipher] [-D sftp_server_path] [-F ssh_config]\n           [-i identity_file] [-J destination] [-l limit] [-o ssh_option]\n           [-P port] [-S program] [-X sftp_option] source ... target\n');
      return 1;
    }
    const remote = operands.find((o) => /^[^/]*:/.test(o));
    if (!remote) return 0;
    const host = remote.slice(remote.lastIndexOf('@', remote.indexOf(':')) + 1, remote.indexOf(':'));
    if (!resolvable(host)) {
      io.err(`ssh: Could not resolve hostname ${host}: Name or service not known\r\nlost connection\n`);
      return 1;
    }
    io.err(`ssh: connect to host ${host} port 22: Connection timed out\r\nlost connection\n`);
    return 1;
  },
} satisfies ShellCommand;
