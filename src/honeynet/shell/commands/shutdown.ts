import type { ShellCommand } from '../command.js';

/**
 * `reboot`, `shutdown`, `poweroff`, `halt`: root "goes down" (the session ends with reason `reboot`; the service
 * closes the connection); others are refused like systemd does.
 */
export const shutdown = {
  name: 'shutdown',
  aliases: ['reboot', 'poweroff', 'halt'],
  paths: ['/usr/sbin/shutdown', '/usr/sbin/reboot', '/usr/sbin/poweroff', '/usr/sbin/halt'],
  run(args, io, ctx) {
    const name = ctx.invokedAs.slice(ctx.invokedAs.lastIndexOf('/') + 1);
    if (ctx.state.user.uid !== 0) {
      io.err('Call to Reboot failed: Interactive authentication required.\n');
      return 1;
    }
    if (name === 'shutdown') {
      if (args.includes('-c')) return 0;
      const when = args.find((a) => !a.startsWith('-')) ?? '+1';
      if (when !== 'now' && when !== '+0') {
        const at = ctx.now() + (Number(when.replace('+', '')) || 1) * 60_000;
        io.out(`Shutdown scheduled for ${new Date(at).toUTCString().replace('GMT', 'UTC')}, use 'shutdown -c' to cancel.\n`);
        return 0;
      }
    }
    ctx.state.set('__REBOOT', name);
    ctx.state.exitRequested = true;
    return 0;
  },
} satisfies ShellCommand;
