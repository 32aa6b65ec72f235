import type { ShellCommand } from '../command.js';

/** Applets this BusyBox build answers to (the others say `applet not found`, as a real trimmed build does). */
const APPLETS = [
  'arch', 'ash', 'base64', 'basename', 'cat', 'chgrp', 'chmod', 'chown', 'cp', 'cut', 'date', 'dd', 'df', 'dirname',
  'echo', 'env', 'false', 'free', 'grep', 'head', 'hostname', 'id', 'ifconfig', 'ip', 'kill', 'ln', 'ls', 'mkdir',
  'mount', 'mv', 'nc', 'netstat', 'nproc', 'ping', 'ps', 'pwd', 'rm', 'rmdir', 'sed', 'sh', 'sleep', 'sort', 'tail',
  'tar', 'top', 'touch', 'tr', 'true', 'uname', 'uniq', 'uptime', 'wc', 'wget', 'which', 'whoami',
];

/**
 * `busybox [APPLET] [ARGS]`: Debian's busybox package. Bots probe with `/bin/busybox RANDOM` and expect
 * `RANDOM: applet not found`; known applets run the emulated command.
 */
export const busybox = {
  name: 'busybox',
  paths: ['/usr/bin/busybox'],
  run(args, io, ctx) {
    const applet = args[0];
    const banner = 'BusyBox v1.35.0 (Debian 1:1.35.0-4+b3) multi-call binary.\n';
    if (applet === undefined || applet === '--help') {
      io.out(`${banner}BusyBox is copyrighted by many authors between 1998-2015.\nLicensed under GPLv2. See source distribution for detailed\ncopyright notices.\n\nUsage: busybox [function [arguments]...]\n   or: busybox --list[-full]\n   or: busybox --show SCRIPT\n   or: busybox --install [-s] [DIR]\n   or: function [arguments]...\n\n\tBusyBox is a multi-call binary that combines many common Unix\n\tutilities into a single executable.  Most people will create a\n\tlink to busybox for each function they wish to use and BusyBox\n\twill act like whatever it was invoked as.\n\nCurrently defined functions:\n\t${APPLETS.join(', ')}\n`);
      return applet === undefined ? 0 : 0;
    }
    if (applet === '--list') {
      io.out(APPLETS.map((a) => `${a}\n`).join(''));
      return 0;
    }
    const name = applet.slice(applet.lastIndexOf('/') + 1);
    if (!APPLETS.includes(name)) {
      io.err(`${applet}: applet not found\n`);
      return 127;
    }
    if (!ctx.hasCommand(name === 'ash' ? 'sh' : name)) {
      io.err(`${name}: applet not found\n`);
      return 127;
    }
    return ctx.runCommand([name === 'ash' ? 'sh' : name, ...args.slice(1)], io);
  },
} satisfies ShellCommand;
