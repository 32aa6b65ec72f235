import pc from 'picocolors';

/** A writable text stream as the CLI uses it: `process.stdout`/`stderr`, or a capture in tests. */
export interface CliStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  once?(event: 'drain', listener: () => void): unknown;
}

/** Everything the CLI touches outside itself, passed in so commands never reach for globals. */
export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export type Colors = ReturnType<typeof pc.createColors>;

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/**
 * Colour only on a terminal: piped or redirected output carries no escape codes. `NO_COLOR` (https://no-color.org)
 * turns colour off everywhere; `FORCE_COLOR` is the explicit opt-in for a non-TTY. We decide ourselves instead of
 * trusting picocolors' default, which also switches colour on whenever `CI` is set, even for a pipe.
 */
export function colorEnabled(stream: CliStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function colors(stream: CliStream, env: NodeJS.ProcessEnv): Colors {
  return pc.createColors(colorEnabled(stream, env));
}

/** Writes and waits for `drain` when the stream buffers, so a large export never piles up in memory. */
export function writeAsync(stream: CliStream, chunk: string): Promise<void> {
  if (stream.write(chunk) || !stream.once) return Promise.resolve();
  return new Promise((resolve) => stream.once!('drain', resolve));
}
