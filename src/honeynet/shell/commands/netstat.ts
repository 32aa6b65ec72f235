import type { ShellCommand } from '../command.js';
import { endpoint, sockets } from './lib/sockets.js';

/** `netstat -tulpn`, `-antp`, `-rn` (net-tools layout; -p shows processes only for root, like the real tool). */
export const netstat = {
  name: 'netstat',
  paths: ['/usr/bin/netstat'],
  run(args, io, ctx) {
    const flags = new Set(args.filter((a) => a.startsWith('-')).flatMap((a) => [...a.replace(/^-+/, '')]));
    if (flags.has('r')) {
      const n = ctx.machine.net;
      io.out(`Kernel IP routing table\nDestination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n${'0.0.0.0'.padEnd(16)}${n.gateway.padEnd(16)}${'0.0.0.0'.padEnd(16)}UG        0 0          0 ${n.iface}\n${n.network.padEnd(16)}${'0.0.0.0'.padEnd(16)}${n.netmask.padEnd(16)}U         0 0          0 ${n.iface}\n`);
      return 0;
    }
    const listening = flags.has('l');
    const all = flags.has('a');
    const tcp = flags.has('t') || (!flags.has('u'));
    const udp = flags.has('u') || (!flags.has('t'));
    const root = ctx.state.user.uid === 0;
    const list = sockets(ctx).filter((s) => (s.proto.startsWith('tcp') ? tcp : udp) && (all || (listening ? s.state !== 'ESTABLISHED' : s.state === 'ESTABLISHED')));
    let out = listening && !all ? 'Active Internet connections (only servers)\n' : all ? 'Active Internet connections (servers and established)\n' : 'Active Internet connections (w/o servers)\n';
    out += `Proto Recv-Q Send-Q Local Address           Foreign Address         State      ${flags.has('p') ? ' PID/Program name    ' : ''}\n`;
    for (const s of list) {
      const local = s.local.includes(':') ? `${s.local === '::' ? ':::' : s.local}${s.local === '::' ? '' : ':'}${s.localPort}` : `${s.local}:${s.localPort}`;
      const remote = s.remote.includes(':') ? ':::*' : s.remotePort === '*' ? `${s.remote}:*` : endpoint(s.remote, s.remotePort);
      const state = s.proto.startsWith('udp') ? '' : s.state;
      const prog = flags.has('p') ? (root || s.pid === ctx.login.shellPid ? `${s.pid}/${s.process}`.padEnd(20) : '-'.padEnd(20)) : '';
      out += `${s.proto.padEnd(6)}${'0'.padStart(6)} ${String(s.state === 'ESTABLISHED' ? 36 : 0).padStart(6)} ${(local).padEnd(23)} ${remote.padEnd(23)} ${state.padEnd(11)}${prog}\n`;
    }
    if (flags.has('p') && !root) out = `(Not all processes could be identified, non-owned process info\n will not be shown, you would have to be root to see it all.)\n${out}`;
    io.out(out);
    return 0;
  },
} satisfies ShellCommand;
