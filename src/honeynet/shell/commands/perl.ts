import type { ShellCommand } from '../command.js';

/** `perl` (perl-base is essential on Debian): `-v`/`-V`, and scripts that produce no output. */
export const perl = {
  name: 'perl',
  paths: ['/usr/bin/perl'],
  run(args, io, ctx) {
    const version = ctx.persona.os.id === 'ubuntu' ? '5.38.2' : '5.36.0';
    if (args[0] === '-v') {
      io.out(`\nThis is perl 5, version ${version.split('.')[1]}, subversion ${version.split('.')[2]} (v${version}) built for x86_64-linux-gnu-thread-multi\n\nCopyright 1987-2023, Larry Wall\n\nPerl may be copied only under the terms of either the Artistic License or the\nGNU General Public License, which may be found in the Perl 5 source kit.\n\nComplete documentation for Perl, including FAQ lists, should be found on\nthis system using "man perl" or "perldoc perl".  If you have access to the\nInternet, point your browser at https://www.perl.org/, the Perl Home Page.\n\n`);
      return 0;
    }
    const script = args.find((a) => !a.startsWith('-'));
    if (!args.includes('-e') && script !== undefined && !ctx.fs.exists(ctx.resolve(script))) {
      io.err(`Can't open perl script "${script}": No such file or directory\n`);
      return 2;
    }
    return 0;
  },
} satisfies ShellCommand;
