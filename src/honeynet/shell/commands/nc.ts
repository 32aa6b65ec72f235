import type { ShellCommand } from '../command.js';
import { resolvable } from './lib/fake-download.js';

/** `nc [-zv] host port` (netcat-openbsd): listening is refused, connections time out; nothing leaves the box. */
export const nc = {
  name: 'nc',
  aliases: ['netcat'],
  paths: ['/usr/bin/nc', '/usr/bin/netcat'],
  run(args, io) {
    const flags = args.filter((a) => a.startsWith('-')).join('');
    const operands = args.filter((a, i) => !a.startsWith('-') && !['-w', '-p', '-s', '-i', '-q', '-e', '-c'].includes(args[i - 1] ?? ''));
    if (flags.includes('l')) {
      io.err('nc: Permission denied\n');
      return 1;
    }
    if (flags.includes('e') || flags.includes('c')) {
      io.err(`nc: invalid option -- '${flags.includes('e') ? 'e' : 'c'}'\nusage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n`);
      return 1;
    }
    const [host, port] = operands;
    if (host === undefined || port === undefined) {
      io.err('usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n');
      return 1;
    }
    if (!resolvable(host)) {
      io.err(`nc: getaddrinfo for host "${host}" port ${port}: Name or service not known\n`);
      return 1;
    }
    if (flags.includes('v') || flags.includes('z')) io.err(`nc: connect to ${host} port ${port} (tcp) failed: Connection timed out\n`);
    return 1;
  },
} satisfies ShellCommand;
