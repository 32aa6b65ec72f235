import type { Persona } from '../../persona/persona.js';
import { hash32 } from './seeded-random.js';

/** Address facts of the persona's interface, derived once. */
export interface NetworkFacts {
  iface: string;
  ip: string;
  prefix: number;
  netmask: string;
  broadcast: string;
  network: string;
  gateway: string;
  mac: string;
  /** EUI-64 link-local address of the MAC. */
  linkLocal: string;
  /** Predictable name systemd gives the NIC as an altname (`enp0s3`), when the iface is `eth0`. */
  altname: string;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => (acc * 256 + (Number(part) & 255)) >>> 0, 0);
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function networkFacts(persona: Persona): NetworkFacts {
  const { ip, prefix, gateway, mac, iface } = persona.network;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const addr = ipToInt(ip);
  const bytes = mac.split(':').map((h) => parseInt(h, 16));
  const eui = [(bytes[0] ?? 0) ^ 2, bytes[1] ?? 0, bytes[2] ?? 0, 0xff, 0xfe, bytes[3] ?? 0, bytes[4] ?? 0, bytes[5] ?? 0];
  const groups: string[] = [];
  for (let i = 0; i < 8; i += 2) groups.push(((eui[i]! << 8) | eui[i + 1]!).toString(16));
  return {
    iface,
    ip,
    prefix,
    netmask: intToIp(mask),
    broadcast: intToIp((addr | ~mask) >>> 0),
    network: intToIp((addr & mask) >>> 0),
    gateway,
    mac,
    linkLocal: `fe80::${groups.join(':')}`,
    altname: iface.startsWith('eth') ? 'enp0s3' : '',
  };
}

/** Interface counters that grow with uptime, so two reads a minute apart differ like on a live server. */
export interface Counters {
  rxPackets: number;
  rxBytes: number;
  txPackets: number;
  txBytes: number;
}

export function counters(persona: Persona, iface: 'lo' | 'main', now: number): Counters {
  const up = Math.max(0, (now - persona.bootTime) / 1000);
  const k = (hash32(`${persona.machineId}:${iface}`) % 1000) / 1000;
  const rate = iface === 'lo' ? 0.4 + k : 6 + k * 10;
  const rxPackets = Math.floor(up * rate);
  const txPackets = Math.floor(up * rate * (iface === 'lo' ? 1 : 0.7));
  return {
    rxPackets,
    rxBytes: rxPackets * (iface === 'lo' ? 96 : 310),
    txPackets,
    txBytes: txPackets * (iface === 'lo' ? 96 : 180),
  };
}

/** A socket `ss`/`netstat` list. */
export interface SocketInfo {
  proto: 'tcp' | 'udp' | 'tcp6' | 'udp6';
  state: 'LISTEN' | 'ESTABLISHED' | 'UNCONN';
  local: string;
  localPort: number;
  remote: string;
  remotePort: number | '*';
  process: string;
  pid: number;
  fd: number;
}
