import { safeHooks, type ShellHooks } from './hooks.js';
import { defaultRegistry } from './commands/index.js';
import type { CommandRegistry } from './command-registry.js';
import { buildBaseFs, type BaseFs } from './fs/base-fs.js';
import { SessionFs } from './fs/session-fs.js';
import { identityOf, Interpreter } from './interpreter/interpreter.js';
import { DEFAULT_LIMITS, type ShellLimits } from './interpreter/limits.js';
import { BoundedBuffer } from './interpreter/output.js';
import { parse } from './parser/parser.js';
import { IncompleteInput } from './parser/syntax-error.js';
import type { Persona } from '../persona/persona.js';
import { injectSessionProc } from './session-proc.js';
import { ShellState } from './shell-state.js';
import type { Account, LoginInfo } from './system/login.js';
import { hash32 } from './system/seeded-random.js';
import { dateString } from './system/time-format.js';

/** Builds the immutable base tree of a persona with the default command set (once per sensor). */
export function createBaseFs(persona: Persona, registry: CommandRegistry = defaultRegistry()): BaseFs {
  return buildBaseFs(persona, registry.binaries());
}

export interface ShellSessionOptions {
  /** The persona's base tree from `createBaseFs` (shared by all sessions). */
  base: BaseFs;
  /** The login name. A name the persona does not have gets a fresh account in this session only. */
  user: string;
  clientIp: string;
  clientPort?: number;
  /** How the attacker came in: it changes the process tree (`sshd` or `in.telnetd`/`login`). */
  protocol?: 'ssh' | 'telnet';
  /** Terminal name (`pts/0`). */
  tty?: string;
  /** The session clock (epoch ms); defaults to `Date.now`. */
  clock?: () => number;
  hooks?: ShellHooks;
  limits?: Partial<ShellLimits>;
  /** PID of the login shell; defaults to a value derived from the login time. */
  shellPid?: number;
  /** Variables the client sent (`TERM`, `LANG`); only TERM and LANG/LC_* are accepted, like sshd's AcceptEnv. */
  env?: Record<string, string>;
  /** Whether a pty was requested (false for `ssh host cmd`): no TERM, no SSH_TTY. */
  pty?: boolean;
  registry?: CommandRegistry;
}

export interface ExecuteResult {
  /** What the terminal shows (stdout and stderr interleaved), with `\n` line ends. */
  output: string;
  /** The shell ended (`exit`, `logout`, a pretend `reboot`): the service closes the channel. */
  exit: boolean;
  /** `$?` after the line. */
  status: number;
}

/** One attacker's shell. Never throws out of `execute`, never touches the host. */
export interface ShellSession {
  /** The prompt to print next: `root@web01:~# `, or `> ` while a quote or here-document is open. */
  prompt(): string;
  execute(line: string): ExecuteResult;
  /** What sshd prints after login (uname line, motd, last login). */
  banner(): string;
  readonly history: readonly string[];
  /** Exported variables. */
  env(): Record<string, string>;
  readonly closed: boolean;
  /** Bytes the session's overlay holds. */
  readonly overlayBytes: number;
  /** Ends the session (the connection closed); calls `onExit` once if the shell has not exited. */
  close(): void;
}

function accountFor(options: ShellSessionOptions): { account: Account; created: boolean } {
  const existing = options.base.machine.accounts.find((a) => a.name === options.user);
  if (existing) return { account: existing, created: false };
  const used = new Set(options.base.machine.accounts.map((a) => a.uid));
  let uid = 1000;
  while (used.has(uid)) uid++;
  const name = options.user.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 32) || 'user';
  return { account: { name, uid, gid: uid, gecos: ',,,', home: `/home/${name}`, shell: '/bin/bash' }, created: true };
}

export function createShellSession(options: ShellSessionOptions): ShellSession {
  const base = options.base;
  const machine = base.machine;
  const persona = machine.persona;
  const clock = options.clock ?? Date.now;
  const limits: ShellLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const hooks = safeHooks(options.hooks ?? {});
  const registry = options.registry ?? defaultRegistry();
  const { account, created } = accountFor(options);
  const loginAt = clock();
  const shellPid = options.shellPid ?? 1_000 + (hash32(`${persona.machineId}:${loginAt}:${options.clientIp}`) % 60_000);
  const login: LoginInfo = {
    account,
    tty: options.tty ?? 'pts/0',
    clientIp: options.clientIp,
    clientPort: options.clientPort ?? 40_000 + (shellPid % 25_000),
    protocol: options.protocol ?? 'ssh',
    loginAt,
    shellPid,
  };
  const fs = new SessionFs(base.root, { capBytes: limits.overlayBytes, now: clock, identity: identityOf(account, machine) });
  const state = new ShellState(account, account.home, shellPid + 1);
  injectSessionProc(fs, machine, login, () => state.peekPid());
  if (created) addAccount(fs, account, loginAt);
  if (!fs.exists(account.home)) state.cwd = '/';
  initVariables(state, options, login, machine.persona.hostname);
  try {
    const saved = fs.identity;
    fs.identity = { uid: 0, gid: 0, groups: [0] };
    const previous = fs.readFile(`${account.home}/.bash_history`);
    fs.identity = saved;
    state.history.push(...previous.split('\n').filter((l) => l !== ''));
  } catch {
    // no history file: a fresh account
  }
  const interpreter = new Interpreter({ persona, machine, fs, state, login, hooks, registry, limits, clock });
  let pending = '';
  let closed = false;

  const finish = (status: number, reason: 'exit' | 'reboot'): void => {
    if (closed) return;
    closed = true;
    hooks.onExit({ status, reason });
  };

  const session: ShellSession = {
    prompt() {
      if (pending !== '') return '> ';
      if (state.scriptName === 'sh') return state.user.uid === 0 ? '# ' : '$ '; // dash's default PS1
      const home = state.get('HOME') ?? account.home;
      const cwd = state.cwd === home ? '~' : state.cwd.startsWith(`${home}/`) ? `~${state.cwd.slice(home.length)}` : state.cwd;
      return `${state.user.name}@${persona.hostname}:${cwd}${state.user.uid === 0 ? '#' : '$'} `;
    },
    execute(line) {
      if (closed) return { output: '', exit: true, status: state.lastStatus };
      const terminal = new BoundedBuffer(limits.maxOutputBytes);
      try {
        const input = typeof line === 'string' ? line : String(line);
        if (Buffer.byteLength(input) > limits.maxInputBytes || pending.length + input.length > limits.maxInputBytes) {
          pending = '';
          terminal.write('bash: input line too long\n');
          state.lastStatus = 1;
          return { output: terminal.text, exit: false, status: 1 };
        }
        hooks.onInput(input);
        const source = pending + input;
        try {
          parse(source, state.aliases);
        } catch (err) {
          if (err instanceof IncompleteInput) {
            pending = `${source}\n`;
            return { output: '', exit: false, status: state.lastStatus };
          }
        }
        pending = '';
        if (source.trim() !== '') {
          state.history.push(source);
          if (state.history.length > limits.maxHistory) state.history.splice(0, state.history.length - limits.maxHistory);
        }
        interpreter.beginLine();
        interpreter.currentStderr = terminal;
        const status = interpreter.runSource(source, {
          stdin: '',
          stdinIsTerminal: true,
          stdout: terminal,
          stdoutIsTerminal: true,
          stderr: terminal,
        });
        state.lastStatus = status;
        const reboot = state.get('__REBOOT') !== undefined;
        if (state.exitRequested || reboot) finish(status, reboot ? 'reboot' : 'exit');
        return { output: terminal.text, exit: closed, status };
      } catch {
        // a bug in an emulated command must never end or expose the session
        pending = '';
        return { output: terminal.text, exit: closed, status: 1 };
      }
    },
    banner() {
      const k = persona.kernel;
      const motd = (() => {
        try {
          return fs.readFile('/etc/motd');
        } catch {
          return '';
        }
      })();
      const last = loginAt - (hash32(`${persona.machineId}:last`) % (3 * 86_400_000)) - 3_600_000;
      const lastFrom = machine.net.gateway;
      const head = persona.os.id === 'debian' ? `Linux ${persona.hostname} ${k.release} ${k.version} ${k.arch}\n${motd}` : `Welcome to ${persona.os.prettyName} (GNU/Linux ${k.release} ${k.arch})\n\n * Documentation:  https://help.ubuntu.com\n * Management:     https://landscape.canonical.com\n * Support:        https://ubuntu.com/pro\n`;
      return `${head}${created ? '' : `Last login: ${dateString(last).replace(' UTC', '')} from ${lastFrom}\n`}`;
    },
    get history() {
      return state.history;
    },
    env() {
      return Object.fromEntries(state.environment());
    },
    get closed() {
      return closed;
    },
    get overlayBytes() {
      return fs.usedBytes;
    },
    close() {
      finish(state.lastStatus, 'exit');
    },
  };
  return session;
}

function initVariables(state: ShellState, options: ShellSessionOptions, login: LoginInfo, hostname: string): void {
  const a = login.account;
  const root = a.uid === 0;
  const path = root
    ? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    : '/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games';
  const serverIp = options.base.machine.net.ip;
  const exported: Array<[string, string]> = [
    ['SHELL', '/bin/bash'],
    ['PWD', state.cwd],
    ['LOGNAME', a.name],
    ['XDG_SESSION_TYPE', 'tty'],
    ['MOTD_SHOWN', 'pam'],
    ['HOME', a.home],
    ['LANG', 'C.UTF-8'],
  ];
  if (login.protocol === 'ssh') {
    exported.push(['SSH_CONNECTION', `${login.clientIp} ${login.clientPort} ${serverIp} 22`]);
  }
  exported.push(['XDG_SESSION_CLASS', 'user']);
  if (options.pty !== false) exported.push(['TERM', 'xterm-256color']);
  exported.push(['USER', a.name], ['SHLVL', '1'], ['XDG_SESSION_ID', String((login.shellPid % 900) + 3)]);
  exported.push(['XDG_RUNTIME_DIR', `/run/user/${a.uid}`]);
  if (login.protocol === 'ssh') exported.push(['SSH_CLIENT', `${login.clientIp} ${login.clientPort} 22`]);
  exported.push(['PATH', path], ['DBUS_SESSION_BUS_ADDRESS', `unix:path=/run/user/${a.uid}/bus`]);
  if (login.protocol === 'ssh' && options.pty !== false) exported.push(['SSH_TTY', `/dev/${login.tty}`]);
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if ((k === 'TERM' || k === 'LANG' || k.startsWith('LC_')) && /^[\x20-\x7e]{0,64}$/.test(v)) {
      const i = exported.findIndex(([name]) => name === k);
      if (i >= 0) exported[i] = [k, v];
      else exported.push([k, v]);
    }
  }
  for (const [k, v] of exported) state.set(k, v, true);
  state.set('HOSTNAME', hostname);
  state.set('PS1', '${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$ ');
  state.set('HISTFILE', `${a.home}/.bash_history`);
  state.set('HISTSIZE', '1000');
  state.set('BASH', '/usr/bin/bash');
  state.set('BASH_VERSION', '5.2.15(1)-release');
  state.set('IFS', ' \t\n');
  state.set('OLDPWD', state.cwd);
  state.set('UID', String(a.uid));
  state.set('EUID', String(a.uid));
  state.set('PPID', String(login.shellPid - 1));
  state.set('HOSTTYPE', 'x86_64');
  state.set('OSTYPE', 'linux-gnu');
  state.set('MACHTYPE', 'x86_64-pc-linux-gnu');
  if (!root) {
    state.aliases.set('ls', 'ls --color=auto');
    state.aliases.set('grep', 'grep --color=auto');
    state.aliases.set('ll', 'ls -alF');
    state.aliases.set('la', 'ls -A');
    state.aliases.set('l', 'ls -CF');
  }
}

/** A login name the persona lacks: the session gets the account (passwd, group, home) in its own overlay. */
function addAccount(fs: SessionFs, account: Account, now: number): void {
  const meta = { uid: 0, gid: 0, mtime: now };
  const passwd = fs.readFile('/etc/passwd') + `${account.name}:x:${account.uid}:${account.gid}:${account.gecos}:${account.home}:${account.shell}\n`;
  const group = fs.readFile('/etc/group') + `${account.name}:x:${account.gid}:\n`;
  fs.inject('/etc/passwd', { kind: 'file', mode: 0o644, ...meta, content: passwd });
  fs.inject('/etc/group', { kind: 'file', mode: 0o644, ...meta, content: group });
  fs.inject(account.home, { kind: 'dir', mode: 0o755, uid: account.uid, gid: account.gid, mtime: now, children: new Map() });
}
