import type { Persona } from '../../persona/persona.js';
import type { CommandContext, CommandIo } from '../command.js';
import type { CommandRegistry } from '../command-registry.js';
import { errorText, FsError } from '../fs/fs-error.js';
import type { SessionFs } from '../fs/session-fs.js';
import { basename, normalizePath } from '../fs/path.js';
import type { ShellHooks } from '../hooks.js';
import type { Command, CommandList, Pipeline, Redirect, SimpleCommand } from '../parser/ast.js';
import { parse } from '../parser/parser.js';
import { IncompleteInput, ParserLimitError, ShellSyntaxError } from '../parser/syntax-error.js';
import type { ShellState } from '../shell-state.js';
import { groupIdsOf } from '../system/accounts.js';
import type { Account, LoginInfo } from '../system/login.js';
import type { Machine } from '../system/machine.js';
import { sessionProcesses, systemProcesses, type ProcessInfo } from '../system/processes.js';
import { ExpansionError, Expander } from './expand.js';
import type { ShellLimits } from './limits.js';
import { BoundedBuffer, NULL_SINK, type Sink } from './output.js';

/** Everything the interpreter runs against. */
export interface InterpreterEnv {
  persona: Persona;
  machine: Machine;
  fs: SessionFs;
  state: ShellState;
  login: LoginInfo;
  hooks: Required<ShellHooks>;
  registry: CommandRegistry;
  limits: ShellLimits;
  clock: () => number;
}

/** The streams of the command being run. */
export interface StageIo {
  stdin: string;
  stdinIsTerminal: boolean;
  stdout: Sink;
  stdoutIsTerminal: boolean;
  stderr: Sink;
}

/** A command that is "running" (what `ps` shows besides the daemons and the login shell). */
interface Running {
  pid: number;
  ppid: number;
  args: string;
  user: Account;
}

class FileSink implements Sink {
  readonly buffer: BoundedBuffer;
  constructor(
    readonly path: string,
    limit: number,
  ) {
    this.buffer = new BoundedBuffer(limit);
  }
  write(text: string): void {
    this.buffer.write(text);
  }
}

/** Stops the rest of an input line (the per-line command budget ran out). */
class BudgetExceeded extends Error {}

/** The user's own identity for the fake filesystem. */
export function identityOf(account: Account, machine: Machine): { uid: number; gid: number; groups: number[] } {
  return { uid: account.uid, gid: account.gid, groups: groupIdsOf(account, machine.groups) };
}

/**
 * Runs parsed shell code against the session: expansion, redirections, pipelines, `&&`/`||`, subshells, command
 * lookup (builtins, then PATH in the fake tree), nested shells. Nothing here touches the host.
 */
export class Interpreter {
  private readonly expander: Expander;
  private depth = 0;
  private commandsRun = 0;
  private readonly running: Running[] = [];

  constructor(private readonly env: InterpreterEnv) {
    this.expander = new Expander({
      state: env.state,
      fs: env.fs,
      shellPid: env.login.shellPid,
      substitute: (source) => this.substitute(source),
      homeOf: (user) => env.machine.accounts.find((a) => a.name === user)?.home,
    });
  }

  /** Resets the per-line command budget. */
  beginLine(): void {
    this.commandsRun = 0;
  }

  /** Parses and runs source; syntax errors are printed like bash's. Returns the exit status. */
  runSource(source: string, io: StageIo, prefix = 'bash'): number {
    let list: CommandList;
    try {
      list = parse(source, this.env.state.aliases);
    } catch (err) {
      const msg =
        err instanceof ShellSyntaxError
          ? err.message
          : err instanceof IncompleteInput
            ? `${err.message}`
            : err instanceof ParserLimitError
              ? `${err.message}`
              : 'syntax error';
      io.stderr.write(`${prefix}: ${msg}\n`);
      return (this.env.state.lastStatus = 2);
    }
    return this.runList(list, io);
  }

  runList(list: CommandList, io: StageIo): number {
    const state = this.env.state;
    let status = state.lastStatus;
    try {
      for (const item of list.items) {
        if (item.background) {
          io.stderr.write(`[1] ${state.peekPid() + 1}\n`);
          state.set('!', String(state.peekPid() + 1));
        }
        status = this.runAndOr(item.andOr, io);
        state.lastStatus = status;
        if (state.exitRequested) break;
      }
    } catch (err) {
      if (!(err instanceof BudgetExceeded) || this.depth > 0) throw err;
      status = 1;
    }
    return status;
  }

  private runAndOr(andOr: CommandList['items'][number]['andOr'], io: StageIo): number {
    let status = this.runPipeline(andOr.first, io);
    for (const { op, pipeline } of andOr.rest) {
      if (this.env.state.exitRequested) break;
      this.env.state.lastStatus = status;
      if ((op === '&&' && status === 0) || (op === '||' && status !== 0)) status = this.runPipeline(pipeline, io);
    }
    return status;
  }

  private runPipeline(pipeline: Pipeline, io: StageIo): number {
    const { state, limits } = this.env;
    const parent = this.running[this.running.length - 1]?.pid ?? this.env.login.shellPid;
    const stages = pipeline.commands.map((cmd) => ({
      pid: state.allocatePid(),
      ppid: parent,
      args: cmd.kind === 'simple' ? cmd.words.map((w) => w.raw).join(' ') : 'bash',
      user: state.user,
    }));
    this.running.push(...stages);
    let status = 0;
    try {
      let stdin = io.stdin;
      let stdinIsTerminal = io.stdinIsTerminal;
      pipeline.commands.forEach((cmd, i) => {
        const last = i === pipeline.commands.length - 1;
        const pipe = last ? undefined : new BoundedBuffer(limits.maxPipeBytes);
        status = this.runCommand(
          cmd,
          {
            stdin,
            stdinIsTerminal,
            stdout: pipe ?? io.stdout,
            stdoutIsTerminal: last ? io.stdoutIsTerminal : false,
            stderr: io.stderr,
          },
          stages[i]!.pid,
        );
        if (pipe) {
          stdin = pipe.text;
          stdinIsTerminal = false;
        }
      });
    } finally {
      this.running.splice(this.running.length - stages.length, stages.length);
    }
    return pipeline.negate ? (status === 0 ? 1 : 0) : status;
  }

  private runCommand(cmd: Command, io: StageIo, pid: number): number {
    if (++this.commandsRun > this.env.limits.maxCommandsPerLine) {
      io.stderr.write('bash: fork: retry: Resource temporarily unavailable\n');
      throw new BudgetExceeded();
    }
    if (cmd.kind === 'subshell') return this.runSubshell(cmd, io);
    return this.runSimple(cmd, io, pid);
  }

  private runSubshell(cmd: Extract<Command, { kind: 'subshell' }>, io: StageIo): number {
    const state = this.env.state;
    const saved = { vars: new Map(state.vars), cwd: state.cwd, user: state.user, positional: state.positional };
    const redirected = this.applyRedirects(cmd.redirects, io, 'bash');
    if (!redirected) return 1;
    try {
      return this.runList(cmd.body, redirected.io);
    } finally {
      this.flushFiles(redirected.files, 'bash', io.stderr);
      state.vars.clear();
      for (const [k, v] of saved.vars) state.vars.set(k, v);
      state.cwd = saved.cwd;
      state.user = saved.user;
      state.positional = saved.positional;
      state.exitRequested = false;
      this.env.fs.identity = identityOf(state.user, this.env.machine);
    }
  }

  private runSimple(cmd: SimpleCommand, io: StageIo, pid: number): number {
    const { state } = this.env;
    let argv: string[];
    const assigns: Array<[string, string]> = [];
    try {
      for (const a of cmd.assigns) assigns.push([a.name, this.expander.single(a.value)]);
      argv = cmd.words.flatMap((w) => this.expander.fields(w));
    } catch (err) {
      if (err instanceof BudgetExceeded) throw err;
      io.stderr.write(`bash: ${err instanceof ExpansionError ? err.message : 'expansion error'}\n`);
      return 1;
    }
    const name = argv[0];
    const redirected = this.applyRedirects(cmd.redirects, io, 'bash');
    if (!redirected) return 1;
    if (name === undefined) {
      for (const [k, v] of assigns) state.set(k, v);
      this.flushFiles(redirected.files, 'bash', io.stderr);
      return cmd.words.length > 0 ? state.lastStatus : 0;
    }
    const saved = assigns.map(([k]) => [k, state.vars.get(k)] as const);
    for (const [k, v] of assigns) state.set(k, v, true);
    let status: number;
    try {
      status = this.dispatch(argv, redirected.io, pid, cmd.words.map((w) => w.raw).join(' '));
    } finally {
      for (const [k, v] of saved) {
        if (v) state.vars.set(k, v);
        else state.vars.delete(k);
      }
    }
    this.flushFiles(redirected.files, basename(name), io.stderr);
    return status;
  }

  /** Finds and runs argv[0]; reports the command to the hooks. */
  private dispatch(argv: string[], io: StageIo, pid: number, text: string, asUser?: Account): number {
    const { registry, hooks, state, fs, machine } = this.env;
    const name = argv[0]!;
    const found = this.lookup(name);
    hooks.onCommand(text, { known: found.kind === 'command' || found.kind === 'script', argv });
    if (found.kind === 'missing') {
      io.stderr.write(`bash: ${name}: ${found.message}\n`);
      return found.status;
    }
    const previousUser = state.user;
    if (asUser) {
      state.user = asUser;
      fs.identity = identityOf(asUser, machine);
    }
    try {
      if (found.kind === 'script') return this.runScript(found.path, argv, io);
      const command = registry.get(found.name)!;
      const ctx = this.context(found.invokedAs, pid);
      const cmdIo: CommandIo = {
        stdin: io.stdin,
        stdinIsTerminal: io.stdinIsTerminal,
        stdoutIsTerminal: io.stdoutIsTerminal,
        out: (t) => io.stdout.write(t),
        err: (t) => io.stderr.write(t),
      };
      try {
        return command.run(argv.slice(1), cmdIo, ctx);
      } catch (err) {
        if (err instanceof BudgetExceeded) throw err;
        return 1;
      }
    } finally {
      if (asUser && state.user === asUser) {
        state.user = previousUser;
        fs.identity = identityOf(previousUser, machine);
      }
    }
  }

  private lookup(
    name: string,
  ):
    | { kind: 'command'; name: string; invokedAs: string }
    | { kind: 'script'; path: string }
    | { kind: 'missing'; message: string; status: number } {
    const { registry, fs, state } = this.env;
    if (name.includes('/')) {
      const path = normalizePath(name, state.cwd);
      try {
        const node = fs.stat(path);
        if (node.kind === 'dir') return { kind: 'missing', message: 'Is a directory', status: 126 };
        if (!fs.can(node, 'x') || node.kind !== 'file') return { kind: 'missing', message: 'Permission denied', status: 126 };
        if (node.command && registry.get(node.command)) return { kind: 'command', name: node.command, invokedAs: name };
        return { kind: 'script', path };
      } catch (err) {
        return { kind: 'missing', message: errorText(err), status: 127 };
      }
    }
    const builtin = registry.get(name);
    if (builtin?.builtin) return { kind: 'command', name, invokedAs: name };
    const found = this.searchPath(name);
    if (found) {
      const node = fs.stat(found);
      if (node.kind === 'file' && node.command && registry.get(node.command)) {
        return { kind: 'command', name: node.command, invokedAs: name };
      }
      return { kind: 'script', path: found };
    }
    return { kind: 'missing', message: 'command not found', status: 127 };
  }

  /** The first executable `name` in `$PATH`, as an absolute path. */
  searchPath(name: string): string | undefined {
    const { fs, state } = this.env;
    if (name === '' || name === '.' || name === '..') return undefined;
    for (const dir of (state.get('PATH') ?? '').split(':')) {
      const path = normalizePath(name, dir === '' ? state.cwd : normalizePath(dir, state.cwd));
      try {
        const node = fs.stat(path);
        if (node.kind === 'file' && fs.can(node, 'x')) return path;
      } catch {
        // not in this directory
      }
    }
    return undefined;
  }

  /** Executes a file that is not one of the emulated binaries: text runs as a shell script, anything else fails. */
  private runScript(path: string, argv: string[], io: StageIo): number {
    const { fs, state } = this.env;
    let content: string;
    try {
      content = fs.readFile(path);
    } catch (err) {
      io.stderr.write(`bash: ${argv[0]}: ${errorText(err)}\n`);
      return 126;
    }
    if (content.startsWith('\x7fELF') || content.includes('\0')) {
      io.stderr.write(`bash: ${argv[0]}: cannot execute binary file: Exec format error\n`);
      return 126;
    }
    return this.nested(() => {
      const saved = { positional: state.positional, name: state.scriptName };
      state.positional = argv.slice(1);
      state.scriptName = argv[0]!;
      try {
        return this.runSource(content, io, argv[0]!);
      } finally {
        state.positional = saved.positional;
        state.scriptName = saved.name;
        state.exitRequested = false;
      }
    }, io);
  }

  private nested(fn: () => number, io: StageIo): number {
    if (this.depth >= this.env.limits.maxDepth) {
      io.stderr.write('bash: maximum nesting level exceeded\n');
      return 1;
    }
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  private substitute(source: string): string {
    const out = new BoundedBuffer(this.env.limits.maxPipeBytes);
    const terminalErr = this.currentStderr;
    this.nested(() => {
      const state = this.env.state;
      const exitBefore = state.exitRequested;
      const status = this.runSource(source, { stdin: '', stdinIsTerminal: true, stdout: out, stdoutIsTerminal: false, stderr: terminalErr });
      state.exitRequested = exitBefore;
      state.lastStatus = status;
      return status;
    }, { stdin: '', stdinIsTerminal: true, stdout: out, stdoutIsTerminal: false, stderr: terminalErr });
    return out.text;
  }

  /** Where `$(...)` writes its errors: the terminal of the line being run. */
  currentStderr: Sink = NULL_SINK;

  private applyRedirects(
    redirects: Redirect[],
    io: StageIo,
    prefix: string,
  ): { io: StageIo; files: FileSink[] } | undefined {
    if (redirects.length === 0) return { io, files: [] };
    const { fs, state, limits } = this.env;
    const out: StageIo = { ...io };
    const files: FileSink[] = [];
    for (const r of redirects) {
      let target: string;
      try {
        if (r.op === '<<') {
          const body = r.heredoc?.body ?? '';
          out.stdin = r.heredoc?.expand ? this.expander.quotedText(body) : body;
          out.stdinIsTerminal = false;
          continue;
        }
        const fields = r.op === '<<<' ? [this.expander.single(r.target)] : this.expander.fields(r.target);
        if (fields.length !== 1) {
          io.stderr.write(`${prefix}: ${r.target.raw}: ambiguous redirect\n`);
          return undefined;
        }
        target = fields[0]!;
      } catch (err) {
        if (err instanceof BudgetExceeded) throw err;
        io.stderr.write(`${prefix}: ${err instanceof ExpansionError ? err.message : 'bad redirect'}\n`);
        return undefined;
      }
      if (r.op === '<<<') {
        out.stdin = `${target}\n`;
        out.stdinIsTerminal = false;
        continue;
      }
      if (r.op === '>&' || r.op === '<&') {
        const fd = r.fd ?? (r.op === '>&' ? 1 : 0);
        if (target === '-') {
          if (fd === 1) out.stdout = NULL_SINK;
          if (fd === 2) out.stderr = NULL_SINK;
          continue;
        }
        if (/^\d+$/.test(target)) {
          const from = Number(target);
          const sink = from === 1 ? out.stdout : from === 2 ? out.stderr : undefined;
          if (!sink && from !== 0) {
            io.stderr.write(`${prefix}: ${target}: Bad file descriptor\n`);
            return undefined;
          }
          if (fd === 1 && sink) out.stdout = sink;
          if (fd === 2 && sink) out.stderr = sink;
          continue;
        }
        if (r.op === '<&') {
          io.stderr.write(`${prefix}: ${target}: ambiguous redirect\n`);
          return undefined;
        }
      }
      const path = normalizePath(target, state.cwd);
      if (r.op === '<') {
        try {
          out.stdin = fs.readFile(path);
          out.stdinIsTerminal = false;
        } catch (err) {
          io.stderr.write(`${prefix}: ${target}: ${errorText(err)}\n`);
          return undefined;
        }
        continue;
      }
      // output redirections: >, >>, >|, &>, &>>, >&file
      let sink: Sink;
      if (path === '/dev/stdout') sink = io.stdout;
      else if (path === '/dev/stderr') sink = io.stderr;
      else {
        try {
          const existing = fs.exists(path) ? fs.stat(path) : undefined;
          if (existing?.kind === 'device') {
            sink = existing.device === 'tty' ? io.stderr : NULL_SINK;
          } else {
            const append = r.op === '>>' || r.op === '&>>';
            if (!append || !existing) fs.writeFile(path, '');
            else if (existing.kind === 'dir') throw new FsError('EISDIR');
            else if (!fs.can(existing, 'w')) throw new FsError('EACCES');
            const file = new FileSink(path, limits.overlayBytes + 1);
            files.push(file);
            sink = file;
          }
        } catch (err) {
          io.stderr.write(`${prefix}: ${target}: ${errorText(err)}\n`);
          return undefined;
        }
      }
      const fd = r.op === '&>' || r.op === '&>>' || (r.op === '>&' && r.fd === undefined) ? -1 : (r.fd ?? 1);
      if (fd === 1 || fd === -1) {
        out.stdout = sink;
        out.stdoutIsTerminal = false;
      }
      if (fd === 2 || fd === -1) out.stderr = sink;
    }
    return { io: out, files };
  }

  private flushFiles(files: FileSink[], name: string, stderr: Sink): void {
    for (const f of files) {
      const text = f.buffer.text;
      if (text === '' && !f.buffer.truncated) continue;
      try {
        this.env.fs.writeFile(f.path, text, { append: true });
        this.env.hooks.onFileWrite(f.path, Buffer.byteLength(text));
      } catch (err) {
        stderr.write(`${name === 'echo' || name === 'printf' ? `bash: ${name}` : name}: write error: ${errorText(err)}\n`);
      }
    }
  }

  /** Processes running now: kernel, daemons, the login chain, and the commands of the current line. */
  processes(): ProcessInfo[] {
    const { persona, login, clock } = this.env;
    const now = clock();
    const system = systemProcesses(persona, now);
    const session = sessionProcesses(system, login);
    const running = this.running.map((r) => ({
      pid: r.pid,
      ppid: r.ppid,
      user: r.user.name,
      uid: r.user.uid,
      comm: basename(r.args.split(' ')[0] ?? 'bash').slice(0, 15),
      args: r.args,
      tty: login.tty,
      stat: 'R+',
      startMs: now,
      vszKb: 8_000 + (r.pid % 7) * 512,
      rssKb: 3_000 + (r.pid % 5) * 256,
      cpuSec: 0,
    }));
    return [...system, ...session, ...running];
  }

  /** The context handed to a command. */
  private context(invokedAs: string, pid: number): CommandContext {
    const env = this.env;
    return {
      persona: env.persona,
      machine: env.machine,
      fs: env.fs,
      state: env.state,
      login: env.login,
      hooks: env.hooks,
      invokedAs,
      pid,
      now: env.clock,
      resolve: (p) => normalizePath(p, env.state.cwd),
      which: (name) => {
        const builtin = env.registry.get(name);
        if (builtin?.builtin) return { kind: 'builtin' };
        const path = this.searchPath(name);
        return path ? { kind: 'file', path } : undefined;
      },
      runShell: (source, cio, opts) => this.runShellFor(source, cio, opts),
      runCommand: (argv, cio, opts) => {
        if (argv.length === 0) return 0;
        return this.dispatch(argv, this.stageIo(cio), env.state.allocatePid(), argv.join(' '), opts?.as);
      },
      processes: () => this.processes(),
      hasCommand: (name) => env.registry.get(name) !== undefined,
    };
  }

  private stageIo(cio: CommandIo): StageIo {
    return {
      stdin: cio.stdin,
      stdinIsTerminal: cio.stdinIsTerminal,
      stdout: { write: (t) => cio.out(t) },
      stdoutIsTerminal: cio.stdoutIsTerminal,
      stderr: { write: (t) => cio.err(t) },
    };
  }

  private runShellFor(
    source: string,
    cio: CommandIo,
    opts: { as?: Account; args?: string[]; name?: string } | undefined,
  ): number {
    const { state, fs, machine } = this.env;
    return this.nested(() => {
      const saved = { user: state.user, positional: state.positional, name: state.scriptName };
      if (opts?.as) {
        state.user = opts.as;
        fs.identity = identityOf(opts.as, machine);
      }
      if (opts?.args) state.positional = opts.args;
      if (opts?.name) state.scriptName = opts.name;
      try {
        return this.runSource(source, this.stageIo(cio), opts?.name ?? 'bash');
      } finally {
        state.positional = saved.positional;
        state.scriptName = saved.name;
        state.exitRequested = false;
        if (opts?.as) {
          state.user = saved.user;
          fs.identity = identityOf(saved.user, machine);
        }
      }
    }, this.stageIo(cio));
  }
}
