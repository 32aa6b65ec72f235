import type { ShellCommand } from '../command.js';
import { counters } from '../system/network.js';

const human = (bytes: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
};

/** `ifconfig [-a] [IFACE]` (net-tools format). */
export const ifconfig = {
  name: 'ifconfig',
  paths: ['/usr/sbin/ifconfig'],
  run(args, io, ctx) {
    const n = ctx.machine.net;
    const now = ctx.now();
    const only = args.find((a) => !a.startsWith('-'));
    if (only && only !== 'lo' && only !== n.iface) {
      io.err(`${only}: error fetching interface information: Device not found\n`);
      return 1;
    }
    if (args.filter((a) => !a.startsWith('-')).length > 1) {
      io.err('SIOCSIFADDR: Operation not permitted\n');
      return 1;
    }
    const block = (c: ReturnType<typeof counters>): string =>
      `        RX packets ${c.rxPackets}  bytes ${c.rxBytes} (${human(c.rxBytes)})\n        RX errors 0  dropped 0  overruns 0  frame 0\n        TX packets ${c.txPackets}  bytes ${c.txBytes} (${human(c.txBytes)})\n        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0\n`;
    let out = '';
    if (!only || only === n.iface) {
      out += `${n.iface}: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500\n`;
      out += `        inet ${n.ip}  netmask ${n.netmask}  broadcast ${n.broadcast}\n`;
      out += `        inet6 ${n.linkLocal}  prefixlen 64  scopeid 0x20<link>\n`;
      out += `        ether ${n.mac}  txqueuelen 1000  (Ethernet)\n`;
      out += block(counters(ctx.persona, 'main', now));
      out += '\n';
    }
    if (!only || only === 'lo') {
      out += 'lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536\n        inet 127.0.0.1  netmask 255.0.0.0\n        inet6 ::1  prefixlen 128  scopeid 0x10<host>\n        loop  txqueuelen 1000  (Local Loopback)\n';
      out += block(counters(ctx.persona, 'lo', now));
      out += '\n';
    }
    io.out(out);
    return 0;
  },
} satisfies ShellCommand;
