import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { AppContext } from '../app/context.js';
import type { LoadedConfig } from '../core/config/load-config.js';
import type { Logger } from '../core/logger.js';
import type { ConfigFlag } from './flags.js';
import { colors, type CliIo, type Colors } from './io.js';

/** The same stop signal again within this is taken as the first one delivered twice, not as "exit now". */
const DUPLICATE_SIGNAL_MS = 200;

/** Options every command understands (declared once on the program). */
export interface GlobalOptions {
  config?: string | undefined;
  dataDir?: string | undefined;
  logLevel?: string | undefined;
}

/** A CLI command group: one file under `commands/`, adding its commands to the program. */
export interface CommandGroup {
  name: string;
  register(program: CommandUnknownOpts, rt: CliRuntime): void;
}

/**
 * What a command action needs from the outside world: output streams (with colour decided per stream), the
 * config loader and the application context. Heavy modules (the schema validator, the store, pino) are
 * imported here on first use, never at start-up, so `lnmt --help` stays fast.
 */
export class CliRuntime {
  /** Set by an action that wants a non-zero exit without an error (e.g. a cancelled scan). */
  exitCode = 0;
  /** Colours for stdout and stderr; both plain when the stream is not a terminal or NO_COLOR is set. */
  readonly c: Colors;
  readonly ce: Colors;
  private readonly cleanups: Array<() => void> = [];

  constructor(readonly io: CliIo, readonly version: string) {
    this.c = colors(io.stdout, io.env);
    this.ce = colors(io.stderr, io.env);
  }

  /** A line on stdout: the command's result. */
  print(line = ''): void {
    this.io.stdout.write(`${line}\n`);
  }

  json(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A line on stderr: notes and progress that must not mix with results. */
  note(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  warn(line: string): void {
    this.io.stderr.write(`${this.ce.yellow('warning:')} ${line}\n`);
  }

  globals(cmd: CommandUnknownOpts): GlobalOptions {
    const o = cmd.optsWithGlobals() as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return { config: str(o.config), dataDir: str(o.dataDir), logLevel: str(o.logLevel) };
  }

  /**
   * Loads and validates the configuration: defaults, the YAML file, `LNMT_*` env, global flags, then the
   * command's own flags. Throws LNMT_ERR_CONFIG before anything on disk is touched.
   */
  async loadConfig(cmd: CommandUnknownOpts, flags: ConfigFlag[] = []): Promise<LoadedConfig> {
    const g = this.globals(cmd);
    const all: ConfigFlag[] = [];
    if (g.dataDir !== undefined) all.push({ key: 'dataDir', value: g.dataDir, flag: '--data-dir' });
    if (g.logLevel !== undefined) all.push({ key: 'log.level', value: g.logLevel, flag: '--log-level' });
    all.push(...flags);
    const { loadConfig } = await import('../core/config/load-config.js');
    return loadConfig({ file: g.config, env: this.io.env, flags: all, cwd: this.io.cwd });
  }

  /**
   * A logger on stderr. Short commands log warnings only unless a level was asked for (flag, env or file), so
   * their output is not buried in JSON lines; `serve` uses the configured level.
   */
  async logger(loaded: LoadedConfig, opts: { daemon?: boolean } = {}): Promise<Logger> {
    const { createLogger } = await import('../core/logger.js');
    const level = opts.daemon || loaded.sources['log.level'] ? loaded.config.log.level : 'warn';
    return createLogger({ level, destination: 2 });
  }

  /**
   * Opens the application context (store, bus, tracker) for the duration of `fn`, and closes it afterwards —
   * flushing batched writes — whether `fn` succeeded or not.
   */
  async withContext<T>(loaded: LoadedConfig, opts: { persistEvents: boolean }, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
    const logger = await this.logger(loaded);
    const { createContext } = await import('../app/context.js');
    const ctx = await createContext(loaded.config, { logger, persistEvents: opts.persistEvents });
    let result: T;
    try {
      result = await fn(ctx);
    } catch (err) {
      await ctx.close().catch((closeErr: unknown) => logger.error({ err: closeErr }, 'closing the context failed'));
      throw err;
    }
    await ctx.close();
    return result;
  }

  /** Registers a process signal handler removed when the command ends. */
  onSignal(signals: NodeJS.Signals[], handler: (signal: NodeJS.Signals) => void): void {
    for (const s of signals) {
      process.on(s, handler);
      this.cleanups.push(() => process.off(s, handler));
    }
  }

  /**
   * The stop signal of a long-running command (`serve`, `sensor`), listened for from the call on: one that comes
   * while the command is still starting is a clean stop once startup ends, instead of the default action killing
   * the process mid-write. A second signal exits at once (status 1); the same signal again within
   * DUPLICATE_SIGNAL_MS is one delivery seen twice (`timeout` signals the child and then its process group).
   */
  stopSignal(logger: Pick<Logger, 'warn'>): Promise<NodeJS.Signals> {
    let first: { signal: NodeJS.Signals; at: number } | undefined;
    return new Promise<NodeJS.Signals>((done) =>
      this.onSignal(['SIGINT', 'SIGTERM'], (signal) => {
        const at = performance.now();
        if (!first) {
          first = { signal, at };
          return done(signal);
        }
        if (signal === first.signal && at - first.at < DUPLICATE_SIGNAL_MS) return;
        logger.warn({ signal }, 'second stop signal: exiting without waiting');
        process.exit(1);
      }),
    );
  }

  cleanup(): void {
    for (const f of this.cleanups.splice(0)) f();
  }
}
