import type { ShellCommand } from '../command.js';
import { endpoint, sockets } from './lib/sockets.js';

/** `ss [-tulpna]` (iproute2 layout). */
export const ss = {
  name: 'ss',
  paths: ['/usr/bin/ss'],
  run(args, io, ctx) {
    const flags = new Set(args.filter((a) => a.startsWith('-')).flatMap((a) => [...a.replace(/^-+/, '')]));
    const listening = flags.has('l');
    const all = flags.has('a');
    const onlyTcp = flags.has('t') && !flags.has('u');
    const onlyUdp = flags.has('u') && !flags.has('t');
    const root = ctx.state.user.uid === 0;
    const list = sockets(ctx).filter(
      (s) =>
        (!onlyTcp || s.proto.startsWith('tcp')) &&
        (!onlyUdp || s.proto.startsWith('udp')) &&
        (all || (listening ? s.state !== 'ESTABLISHED' : s.state === 'ESTABLISHED')),
    );
    const showNetid = !onlyTcp && !onlyUdp || flags.has('u') && flags.has('t');
    let out = `${showNetid ? 'Netid ' : ''}State      Recv-Q Send-Q                    Local Address:Port                     Peer Address:Port Process${''}\n`;
    for (const s of list) {
      const state = s.state === 'LISTEN' ? 'LISTEN' : s.state === 'UNCONN' ? 'UNCONN' : 'ESTAB';
      const local = endpoint(s.local === '::' ? '[::]' : s.local, s.localPort).replace('[[::]]', '[::]');
      const peer = s.remotePort === '*' ? (s.remote.includes(':') ? '[::]:*' : '0.0.0.0:*') : endpoint(s.remote, s.remotePort);
      const proc = flags.has('p') && (root || s.pid === ctx.login.shellPid) ? ` users:(("${s.process}",pid=${s.pid},fd=${s.fd}))` : '';
      out += `${showNetid ? `${s.proto.replace('6', '').padEnd(5)} ` : ''}${state.padEnd(10)} ${'0'.padStart(6)} ${String(s.state === 'LISTEN' ? 128 : 0).padStart(6)} ${local.padStart(36)} ${peer.padStart(37)}${proc}\n`;
    }
    io.out(out);
    return 0;
  },
} satisfies ShellCommand;
