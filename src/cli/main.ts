import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { formatError, isLnmtError, type ErrorCode } from '../core/errors.js';
import { COMMAND_GROUPS } from './commands/index.js';
import { processIo, type CliIo } from './io.js';
import { CliRuntime } from './runtime.js';

/** Exit codes: 0 ok, 1 runtime failure, 2 usage or validation error (nothing was changed), 130 interrupted. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** Errors caused by what the user typed or configured: they get exit code 2. */
const USAGE_CODES = new Set<ErrorCode>(['LNMT_ERR_CONFIG', 'LNMT_ERR_VALIDATION', 'LNMT_ERR_TARGET', 'LNMT_ERR_TARGET_TOO_LARGE']);

function packageVersion(): string {
  try {
    // dist/cli/main.js and src/cli/main.ts both sit two levels below package.json.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Builds the program: global options, then every command group from the registry. */
export function buildProgram(rt: CliRuntime): CommandUnknownOpts {
  const program = new Command('lnmt')
    .description('LNMT: network-defence toolkit: device inventory and discovery scans, API server')
    .version(rt.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .addOption(new Option('-c, --config <file>', 'YAML config file (default: ./lnmt.yaml if present; env LNMT_CONFIG)'))
    .addOption(new Option('--data-dir <dir>', 'data directory (config key dataDir; default ./lnmt-data)'))
    .addOption(new Option('--log-level <level>', 'log level on stderr: fatal, error, warn, info, debug, trace, silent (config key log.level)'))
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => rt.io.stdout.write(s),
      writeErr: (s) => rt.io.stderr.write(s),
      outputError: (s, write) => write(`${rt.ce.red('error:')} ${s.replace(/^error: /, '')}`),
    })
    .addHelpText(
      'after',
      [
        '',
        'Configuration: defaults < YAML file < LNMT_* env (LNMT_API__PORT=9000, __ between levels) < flags.',
        'Exit codes: 0 ok, 1 failure, 2 invalid usage/config/input (nothing changed), 130 interrupted.',
        'Output: results on stdout, notes and errors on stderr; no colour when not a terminal or NO_COLOR is set.',
      ].join('\n'),
    ) as unknown as CommandUnknownOpts;
  for (const group of COMMAND_GROUPS) group.register(program, rt);
  return program;
}

/**
 * Runs the CLI and resolves with the process exit code (the caller sets `process.exitCode`). Errors go to
 * stderr, formatted to name the flag, key or value at fault; stdout only ever carries results.
 */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const rt = new CliRuntime(io, packageVersion());
  if (io.stdout === process.stdout) {
    // `lnmt devices export | head`: the reader went away; that is not an error worth a stack trace.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(rt.exitCode);
      throw err;
    });
  }
  const program = buildProgram(rt);
  try {
    await program.parseAsync(argv, { from: 'node' });
    return rt.exitCode;
  } catch (err) {
    return reportError(rt, err, rt.globals(program).logLevel);
  } finally {
    rt.cleanup();
  }
}

function reportError(rt: CliRuntime, err: unknown, logLevel: string | undefined): number {
  if (err instanceof CommanderError) {
    // Commander already printed its message (or the help/version text).
    if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
    return EXIT.usage;
  }
  rt.io.stderr.write(`${rt.ce.red('error:')} ${formatError(err)}\n`);
  if (isLnmtError(err)) return USAGE_CODES.has(err.code) ? EXIT.usage : EXIT.failure;
  // Anything else is a bug: the stack helps its report.
  if ((logLevel === 'debug' || logLevel === 'trace') && err instanceof Error && err.stack) rt.io.stderr.write(`${err.stack}\n`);
  return EXIT.failure;
}
