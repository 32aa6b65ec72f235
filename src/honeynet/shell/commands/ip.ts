import type { CommandContext, ShellCommand } from '../command.js';
import { counters } from '../system/network.js';

function addr(ctx: CommandContext, only?: string): string {
  const n = ctx.machine.net;
  let out = '';
  if (!only || only === 'lo') {
    out += '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n';
    out += '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n';
    out += '    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n';
    out += '    inet6 ::1/128 scope host noprefixroute \n       valid_lft forever preferred_lft forever\n';
  }
  if (!only || only === n.iface) {
    out += `2: ${n.iface}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n`;
    out += `    link/ether ${n.mac} brd ff:ff:ff:ff:ff:ff\n`;
    if (n.altname) out += `    altname ${n.altname}\n`;
    out += `    inet ${n.ip}/${n.prefix} brd ${n.broadcast} scope global ${n.iface}\n       valid_lft forever preferred_lft forever\n`;
    out += `    inet6 ${n.linkLocal}/64 scope link \n       valid_lft forever preferred_lft forever\n`;
  }
  return out;
}

function link(ctx: CommandContext, stats: boolean): string {
  const n = ctx.machine.net;
  const now = ctx.now();
  const block = (c: ReturnType<typeof counters>): string =>
    stats
      ? `    RX:  bytes packets errors dropped  missed   mcast           \n${[c.rxBytes, c.rxPackets, 0, 0, 0, 0].map((v) => String(v).padStart(10)).join('').replace(/^ +/, (s) => s.slice(2))}\n    TX:  bytes packets errors dropped carrier collsns           \n${[c.txBytes, c.txPackets, 0, 0, 0, 0].map((v) => String(v).padStart(10)).join('').replace(/^ +/, (s) => s.slice(2))}\n`
      : '';
  let out = '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n';
  out += '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n';
  out += block(counters(ctx.persona, 'lo', now));
  out += `2: ${n.iface}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000\n`;
  out += `    link/ether ${n.mac} brd ff:ff:ff:ff:ff:ff\n`;
  out += block(counters(ctx.persona, 'main', now));
  if (n.altname) out += `    altname ${n.altname}\n`;
  return out;
}

function route(ctx: CommandContext): string {
  const n = ctx.machine.net;
  const proto = ctx.persona.os.id === 'ubuntu' ? ' proto static' : ' onlink';
  return `default via ${n.gateway} dev ${n.iface}${proto} \n${n.network}/${n.prefix} dev ${n.iface} proto kernel scope link src ${n.ip} \n`;
}

const OBJECTS: Array<[string, string]> = [
  ['address', 'addr'], ['addr', 'addr'], ['a', 'addr'], ['link', 'link'], ['l', 'link'], ['route', 'route'], ['r', 'route'], ['ro', 'route'], ['neighbour', 'neigh'], ['neigh', 'neigh'], ['n', 'neigh'],
];

/** `ip [-s] [-4|-6] [-br] addr|link|route|neigh [show [dev X]]` (changes need root and are refused politely). */
export const ip = {
  name: 'ip',
  paths: ['/usr/bin/ip'],
  run(args, io, ctx) {
    const flags = args.filter((a) => a.startsWith('-'));
    const words = args.filter((a) => !a.startsWith('-'));
    const object = OBJECTS.find(([k]) => k === words[0])?.[1];
    if (words.length === 0) {
      io.err('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n       ip [ -force ] -batch filename\nwhere  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp | link |\n                   macsec | maddress | monitor | mptcp | mroute | mrule |\n                   neighbor | neighbour | netconf | netns | nexthop | ntable |\n                   ntbl | route | rule | sr | tap | tcpmetrics |\n                   token | tunnel | tuntap | vrf | xfrm }\n');
      return 255;
    }
    if (!object) {
      io.err(`Object "${words[0]}" is unknown, try "ip help".\n`);
      return 1;
    }
    const verb = words[1] ?? 'show';
    if (!['show', 'list', 'sh', 'ls', 'lst', 's'].includes(verb)) {
      if (ctx.state.user.uid !== 0) {
        io.err('RTNETLINK answers: Operation not permitted\n');
        return 2;
      }
      io.err('RTNETLINK answers: File exists\n');
      return 2;
    }
    const dev = words.includes('dev') ? words[words.indexOf('dev') + 1] : undefined;
    const n = ctx.machine.net;
    if (dev !== undefined && dev !== 'lo' && dev !== n.iface) {
      io.err(`Device "${dev}" does not exist.\n`);
      return 1;
    }
    if (flags.some((f) => f.startsWith('-br'))) {
      if (object === 'addr') io.out(`lo               UNKNOWN        127.0.0.1/8 ::1/128 \n${n.iface.padEnd(16)} UP             ${n.ip}/${n.prefix} ${n.linkLocal}/64 \n`);
      else io.out(`lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> \n${n.iface.padEnd(16)} UP             ${n.mac} <BROADCAST,MULTICAST,UP,LOWER_UP> \n`);
      return 0;
    }
    if (object === 'addr') io.out(addr(ctx, dev));
    else if (object === 'link') io.out(link(ctx, flags.some((f) => f === '-s' || f === '-stats')));
    else if (object === 'route') io.out(route(ctx));
    else io.out(`${n.gateway} dev ${n.iface} lladdr ${gatewayMac(n.mac)} REACHABLE \n`);
    return 0;
  },
} satisfies ShellCommand;

/** A stable MAC for the gateway (same vendor prefix style as the host's). */
export function gatewayMac(mac: string): string {
  const parts = mac.split(':');
  return [...parts.slice(0, 3), ...parts.slice(3).map((h) => ((parseInt(h, 16) ^ 0x5a) & 255).toString(16).padStart(2, '0'))].join(':');
}
