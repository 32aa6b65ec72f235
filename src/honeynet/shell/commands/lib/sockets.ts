import type { CommandContext } from '../../command.js';
import type { SocketInfo } from '../../system/network.js';
import { sshdListenerPid } from '../../system/processes.js';

/** The sockets `ss` and `netstat` list: sshd listening, the attacker's own connection, and the distro's extras. */
export function sockets(ctx: CommandContext): SocketInfo[] {
  const procs = ctx.processes();
  const sshd = sshdListenerPid(procs);
  const l = ctx.login;
  const list: SocketInfo[] = [
    { proto: 'tcp', state: 'LISTEN', local: '0.0.0.0', localPort: 22, remote: '0.0.0.0', remotePort: '*', process: 'sshd', pid: sshd, fd: 3 },
    { proto: 'tcp6', state: 'LISTEN', local: '::', localPort: 22, remote: '::', remotePort: '*', process: 'sshd', pid: sshd, fd: 4 },
  ];
  if (ctx.persona.os.id === 'ubuntu') {
    const resolved = procs.find((p) => p.comm === 'systemd-resolve')?.pid ?? 1;
    list.push(
      { proto: 'tcp', state: 'LISTEN', local: '127.0.0.53', localPort: 53, remote: '0.0.0.0', remotePort: '*', process: 'systemd-resolve', pid: resolved, fd: 15 },
      { proto: 'udp', state: 'UNCONN', local: '127.0.0.53', localPort: 53, remote: '0.0.0.0', remotePort: '*', process: 'systemd-resolve', pid: resolved, fd: 14 },
    );
  }
  const chainPid = l.protocol === 'ssh' ? l.shellPid - 12 : l.shellPid - 12;
  list.push({
    proto: 'tcp',
    state: 'ESTABLISHED',
    local: ctx.machine.net.ip,
    localPort: l.protocol === 'ssh' ? 22 : 23,
    remote: l.clientIp,
    remotePort: l.clientPort,
    process: l.protocol === 'ssh' ? 'sshd' : 'in.telnetd',
    pid: chainPid,
    fd: 4,
  });
  return list;
}

export function endpoint(addr: string, port: number | '*'): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}
