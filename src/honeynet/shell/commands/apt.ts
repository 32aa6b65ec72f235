import type { ShellCommand } from '../command.js';

/**
 * `apt`/`apt-get`: non-root gets the lock error; `update` and `install` fail to reach the mirrors (the box has no
 * outbound access, like a firewalled server).
 */
export const apt = {
  name: 'apt',
  aliases: ['apt-get'],
  paths: ['/usr/bin/apt', '/usr/bin/apt-get'],
  run(args, io, ctx) {
    const name = ctx.invokedAs.slice(ctx.invokedAs.lastIndexOf('/') + 1);
    const verb = args.find((a) => !a.startsWith('-'));
    const root = ctx.state.user.uid === 0;
    const os = ctx.persona.os;
    const mirror = os.id === 'debian' ? 'deb.debian.org' : 'archive.ubuntu.com';
    if (verb === undefined) {
      io.out(name === 'apt' ? `apt 2.6.1 (amd64)\nUsage: apt [options] command\n\napt is a commandline package manager and provides commands for\nsearching and managing as well as querying information about packages.\n` : `apt 2.6.1 (amd64)\nUsage: apt-get [options] command\n`);
      return verb === undefined && args.length === 0 ? 1 : 0;
    }
    const warn = name === 'apt' && !io.stdoutIsTerminal ? '\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n' : '';
    if (['list', 'search', 'show', 'policy'].includes(verb)) {
      io.err(warn);
      return 0;
    }
    if (!root) {
      io.err(`E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n`);
      return 100;
    }
    if (verb === 'update') {
      const suites = [os.codename, `${os.codename}-updates`, `${os.codename}-security`];
      io.err(warn);
      io.out(suites.map((s, i) => `Ign:${i + 1} http://${mirror}/${os.id} ${s} InRelease\n`).join(''));
      io.out(suites.map((s, i) => `Err:${i + 1} http://${mirror}/${os.id} ${s} InRelease\n  Temporary failure resolving '${mirror}'\n`).join(''));
      io.out('Reading package lists... Done\n');
      io.err(suites.map((s) => `W: Failed to fetch http://${mirror}/${os.id}/dists/${s}/InRelease  Temporary failure resolving '${mirror}'\n`).join('') + 'W: Some index files failed to download. They have been ignored, or old ones used instead.\n');
      return 0;
    }
    if (verb === 'install' || verb === 'upgrade' || verb === 'dist-upgrade' || verb === 'full-upgrade') {
      const pkgs = args.filter((a) => !a.startsWith('-') && a !== verb);
      io.err(warn);
      io.out('Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\n');
      if (verb !== 'install' || pkgs.length === 0) {
        io.out('Calculating upgrade... Done\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n');
        return 0;
      }
      io.err(`E: Unable to locate package ${pkgs[0]}\n`);
      return 100;
    }
    if (verb === 'remove' || verb === 'purge' || verb === 'autoremove') {
      io.err(warn);
      io.out('Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\n');
      const pkg = args.filter((a) => !a.startsWith('-') && a !== verb)[0];
      io.out(pkg ? `Package '${pkg}' is not installed, so not removed\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n` : '0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n');
      return 0;
    }
    io.err(`E: Invalid operation ${verb}\n`);
    return 100;
  },
} satisfies ShellCommand;
