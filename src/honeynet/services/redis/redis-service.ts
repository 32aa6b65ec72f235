import { createHash, randomBytes } from 'node:crypto';
import type { Persona } from '../../persona/persona.js';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from '../../runtime/honeypot-service.js';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import { redisRelease, type RedisRelease } from './redis-release.js';
import { resp, RespParser, RESP_LIMITS } from './redis-resp.js';

export { RedisSettingsSchema, REDIS_DEFAULTS, type RedisSettings } from './redis-settings.js';
import { REDIS_DEFAULTS, type RedisSettings } from './redis-settings.js';

const MAX_INPUT = 4096;

/**
 * Redis as the persona's OS package answers (Debian 12 / Ubuntu 24.04: 7.0.15, Ubuntu 22.04: 6.0.16): RESP2 and
 * inline commands, the server's own error texts and its order of checks (unknown command, then arity, then
 * NOAUTH — so `nmap -sV`'s `GET / HTTP/1.0` gets the arity error it fingerprints, as from a real server). AUTH
 * and HELLO AUTH are captured as `honeypot.auth`; every command is a `honeypot.command`. Nothing is persisted or
 * executed: CONFIG SET, SLAVEOF/REPLICAOF, SAVE say OK, MODULE LOAD fails as Redis does, EVAL never runs Lua,
 * keys live in a capped per-connection map. Never connects out.
 */
export function redisService(): HoneypotService {
  return {
    name: 'redis',
    defaultPort: 16379,
    transport: 'tcp',
    async start(ctx: HoneypotServiceContext): Promise<ServiceHandler> {
      const settings: RedisSettings = { ...REDIS_DEFAULTS, ...(ctx.settings as Partial<RedisSettings>) };
      const release = redisRelease(ctx.persona);
      const server = new RedisServerState(ctx.persona, release, ctx.now);
      return {
        handle: (session) => {
          try {
            new RedisConversation(session, ctx, settings, release, server).begin();
          } catch {
            session.close('service error');
          }
        },
        async stop() {},
      };
    },
  };
}

/** What stays the same for every connection of one running sensor: run id, pid, counters. */
class RedisServerState {
  readonly runId: string;
  readonly pid: number;
  readonly buildId: string;
  readonly startedAt: number;
  nextClientId = 3;
  connections = 0;
  commands = 0;

  constructor(readonly persona: Persona, readonly release: RedisRelease, readonly now: () => number) {
    const h = createHash('sha256').update(`redis:${persona.id}:${persona.machineId}`).digest();
    this.runId = randomBytes(20).toString('hex');
    this.buildId = h.subarray(0, 8).toString('hex');
    this.pid = 400 + (h.readUInt16BE(8) % 900);
    // The service started a little after boot.
    this.startedAt = persona.bootTime + 4000 + (h.readUInt16BE(10) % 8000);
  }
}

/** Arity as Redis declares it: n > 0 exactly n arguments (with the name), n < 0 at least -n. */
const COMMANDS: Record<string, number> = {
  ping: -1, echo: 2, auth: -2, hello: -1, quit: -1, info: -1, config: -2, slaveof: 3, replicaof: 3, module: -2,
  eval: -3, evalsha: -3, script: -2, keys: 2, get: 2, set: -3, del: -2, exists: -2, type: 2, ttl: 2, expire: -3,
  flushall: -1, flushdb: -1, select: 2, command: -1, client: -2, dbsize: 1, save: 1, bgsave: -1, lastsave: 1,
  time: 1, shutdown: -1, scan: -2, role: 1, monitor: 1, sync: 1, psync: -3, acl: -2, debug: -2, slowlog: -2,
  bgrewriteaof: 1, memory: -2, cluster: -2, lpush: -3, rpush: -3, sadd: -3, hset: -4, hget: 3, incr: 2, append: 3,
  strlen: 2, mget: -2, mset: -3, setex: 4, setnx: 3, getset: 3, randomkey: 1, rename: 3, persist: 2, pttl: 2,
  unlink: -2, post: -1, 'host:': -1, reset: 1,
};
const NO_AUTH = new Set(['auth', 'hello', 'quit']);
const SUBCOMMANDS: Record<string, Record<string, number>> = {
  config: { get: -3, set: -4, resetstat: 2, rewrite: 2, help: 2 },
  module: { load: -3, list: 2, unload: 3, help: 2, loadex: -3 },
  client: { setname: 3, getname: 2, id: 2, list: -2, info: 2, kill: -3, help: 2, setinfo: 4, reply: 3, pause: -3, unpause: 2, no_evict: 3 },
  command: { count: 2, docs: -2, info: -2, list: -2, help: 2, getkeys: -3 },
  script: { load: 3, exists: -3, flush: -2, kill: 2, help: 2 },
  acl: { whoami: 2, list: 2, users: 2, cat: -2, setuser: -3, getuser: 3, deluser: -3, help: 2, log: -2 },
  memory: { usage: -3, stats: 2, doctor: 2, help: 2 },
  slowlog: { get: -2, len: 2, reset: 2, help: 2 },
  cluster: { info: 2, nodes: 2, help: 2, slots: 2 },
};

const CONFIG: Record<string, (p: Persona, port: number) => string> = {
  dir: () => '/var/lib/redis',
  dbfilename: () => 'dump.rdb',
  requirepass: () => '',
  masterauth: () => '',
  bind: () => '127.0.0.1 -::1',
  port: (_p, port) => String(port),
  'protected-mode': () => 'yes',
  daemonize: () => 'no',
  supervised: () => 'systemd',
  pidfile: () => '/run/redis/redis-server.pid',
  logfile: () => '/var/log/redis/redis-server.log',
  databases: () => '16',
  save: () => '3600 1 300 100 60 10000',
  appendonly: () => 'no',
  appendfilename: () => 'appendonly.aof',
  maxmemory: () => '0',
  'maxmemory-policy': () => 'noeviction',
  maxclients: () => '10000',
  timeout: () => '0',
  'tcp-keepalive': () => '300',
  loglevel: () => 'notice',
  'slave-read-only': () => 'yes',
  'replica-read-only': () => 'yes',
  'enable-module-command': () => 'no',
  'enable-debug-command': () => 'no',
  'enable-protected-configs': () => 'no',
};

function glob(pattern: string, s: string): boolean {
  if (pattern.length > 256) return pattern === s;
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += body.startsWith('^') ? `[^${body.slice(1)}]` : `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  try {
    return new RegExp(`${re}$`, 's').test(s);
  } catch {
    return false;
  }
}

/** How a command line is recorded: arguments separated by spaces, quoted (JSON style) when they need it. */
export function commandLine(args: Buffer[]): string {
  let out = '';
  for (const a of args) {
    const s = a.toString('utf8');
    out += (out ? ' ' : '') + (/^[\x21-\x7e]+$/.test(s) && !/["'\\]/.test(s) ? s : JSON.stringify(s));
    if (out.length >= MAX_INPUT) break;
  }
  return out.slice(0, MAX_INPUT);
}

/** Redis's `unknown command` error, worded as the release words it (6.0 used backquotes and commas). */
export function unknownCommandError(args: Buffer[], major: 6 | 7): string {
  const name = args[0]!.toString('latin1');
  let list = '';
  for (let i = 1; i < args.length && list.length < 128; i++) {
    const arg = args[i]!.toString('latin1').slice(0, 128 - list.length);
    list += major === 7 ? `'${arg}' ` : `\`${arg}\`, `;
  }
  return major === 7 ? `ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${list}` : `ERR unknown command \`${name.slice(0, 128)}\`, with args beginning with: ${list}`;
}

class RedisConversation {
  private readonly parser = new RespParser(RESP_LIMITS);
  private authenticated: boolean;
  private db = 0;
  private readonly data = new Map<string, Buffer>();
  private dataBytes = 0;
  private readonly config = new Map<string, string>();
  private name = '';
  private readonly clientId: number;

  constructor(
    private readonly session: HoneypotSession,
    private readonly ctx: HoneypotServiceContext,
    private readonly settings: RedisSettings,
    private readonly release: RedisRelease,
    private readonly server: RedisServerState,
  ) {
    this.authenticated = !settings.requireAuth;
    this.clientId = server.nextClientId++;
    server.connections++;
  }

  begin(): void {
    this.session.socket.on('data', (chunk: Buffer) => {
      try {
        for (const item of this.parser.feed(chunk)) {
          if (this.session.isClosed) return;
          if (item.kind === 'error') {
            this.write(resp.error(`ERR ${item.message}`));
            this.session.close('protocol error');
            return;
          }
          this.command(item.args);
        }
      } catch {
        this.session.close('service error');
      }
    });
  }

  private write(data: string | Buffer): void {
    this.session.write(data);
  }

  private command(args: Buffer[]): void {
    const name = args[0]!.toString('latin1').toLowerCase();
    const arity = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    this.server.commands++;
    this.session.emit('honeypot.command', { input: commandLine(args), known: arity !== undefined });
    const major = this.release.major;
    // Redis's "Possible SECURITY ATTACK detected" (HTTP or a Host: header sent to Redis): the connection is closed.
    if (name === 'post' || name === 'host:') {
      this.session.close('cross protocol scripting');
      return;
    }
    if (arity === undefined) return this.write(resp.error(unknownCommandError(args, major)));
    let fullname = name;
    const subs = SUBCOMMANDS[name];
    if (subs && args.length >= 2) {
      const sub = args[1]!.toString('latin1').toLowerCase();
      const subArity = Object.hasOwn(subs, sub) ? subs[sub] : undefined;
      if (subArity === undefined) {
        return this.write(resp.error(major === 7 ? `ERR unknown subcommand '${args[1]!.toString('latin1').slice(0, 128)}'. Try ${name.toUpperCase()} HELP.` : `ERR Unknown subcommand or wrong number of arguments for '${args[1]!.toString('latin1').slice(0, 128)}'. Try ${name.toUpperCase()} HELP.`));
      }
      fullname = `${name}|${sub}`;
      if ((subArity > 0 && args.length !== subArity) || args.length < -subArity) {
        return this.write(resp.error(major === 7 ? `ERR wrong number of arguments for '${fullname}' command` : `ERR Unknown subcommand or wrong number of arguments for '${sub}'. Try ${name.toUpperCase()} HELP.`));
      }
    } else if ((arity > 0 && args.length !== arity) || args.length < -arity) {
      return this.write(resp.error(`ERR wrong number of arguments for '${major === 7 ? fullname : name}' command`));
    }
    if (!this.authenticated && !NO_AUTH.has(name)) return this.write(resp.error('NOAUTH Authentication required.'));
    this.execute(name, fullname, args.map((a) => a), args.slice(1).map((a) => a.toString('utf8')));
  }

  private auth(username: string, password: string): boolean {
    // With requirepass set, every password is wrong; without, the default user is `nopass` (any password works).
    const ok = !this.settings.requireAuth && username === 'default';
    this.session.emit('honeypot.auth', { method: 'password', username: username.slice(0, 256), password: password.slice(0, 256), success: ok });
    if (ok) this.authenticated = true;
    return ok;
  }

  private wrongPass(): string {
    return resp.error(this.release.major === 7 ? 'WRONGPASS invalid username-password pair or user is disabled.' : 'WRONGPASS invalid username-password pair');
  }

  private execute(name: string, fullname: string, raw: Buffer[], a: string[]): void {
    const w = (d: string | Buffer) => this.write(d);
    const OK = resp.simple('OK');
    switch (fullname) {
      case 'ping':
        return w(a.length === 0 ? resp.simple('PONG') : a.length === 1 ? resp.bulk(raw[1]!) : resp.error(`ERR wrong number of arguments for 'ping' command`));
      case 'echo':
        return w(resp.bulk(raw[1]!));
      case 'auth': {
        if (a.length > 2) return w(resp.error('ERR syntax error'));
        const [user, pass] = a.length === 1 ? ['default', a[0]!] : [a[0]!, a[1]!];
        if (a.length === 1 && !this.settings.requireAuth) {
          this.session.emit('honeypot.auth', { method: 'password', username: 'default', password: pass.slice(0, 256), success: false });
          return w(resp.error('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?'));
        }
        return w(this.auth(user, pass) ? OK : this.wrongPass());
      }
      case 'hello': {
        let i = 0;
        if (a.length > 0) {
          const v = a[0]!;
          if (!/^-?\d+$/.test(v)) return w(resp.error('ERR Protocol version is not an integer or out of range'));
          if (v !== '2' && v !== '3') return w(resp.error('NOPROTO unsupported protocol version'));
          i = 1;
        }
        for (; i < a.length; i++) {
          const opt = a[i]!.toLowerCase();
          if (opt === 'auth' && i + 2 < a.length) {
            if (!this.auth(a[i + 1]!, a[i + 2]!)) return w(this.wrongPass());
            i += 2;
          } else if (opt === 'setname' && i + 1 < a.length) this.name = a[++i]!.slice(0, 128);
          else return w(resp.error(`ERR Syntax error in HELLO option '${a[i]!.slice(0, 128)}'`));
        }
        if (!this.authenticated) return w(resp.error('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time'));
        return w(Buffer.concat([Buffer.from('*14\r\n'), resp.bulk('server'), resp.bulk('redis'), resp.bulk('version'), resp.bulk(this.release.version), resp.bulk('proto'), Buffer.from(resp.int(2)), resp.bulk('id'), Buffer.from(resp.int(this.clientId)), resp.bulk('mode'), resp.bulk('standalone'), resp.bulk('role'), resp.bulk('master'), resp.bulk('modules'), Buffer.from('*0\r\n')]));
      }
      case 'quit':
        w(OK);
        this.session.close('client quit');
        return;
      case 'reset':
        this.db = 0;
        this.authenticated = !this.settings.requireAuth;
        return w(resp.simple('RESET'));
      case 'info':
        return w(resp.bulk(this.info(a[0]?.toLowerCase() ?? 'default')));
      case 'config|get': {
        const out: string[] = [];
        for (const pat of a.slice(1)) {
          for (const key of new Set([...Object.keys(CONFIG), ...this.config.keys()])) {
            if (glob(pat.toLowerCase(), key) && !out.includes(key)) out.push(key);
          }
        }
        return w(resp.array(out.flatMap((k) => [k, this.config.get(k) ?? CONFIG[k]!(this.ctx.persona, this.session.socket.localPort ?? 6379)])));
      }
      case 'config|set':
        for (let i = 1; i + 1 < a.length && this.config.size < 64; i += 2) this.config.set(a[i]!.toLowerCase().slice(0, 64), a[i + 1]!.slice(0, 1024));
        return w(OK);
      case 'config|resetstat':
      case 'config|rewrite':
        return w(OK);
      case 'slaveof':
      case 'replicaof':
        // Redis answers at once and connects later; this one never connects anywhere.
        return w(OK);
      case 'module|load':
      case 'module|loadex':
      case 'module|unload':
        // 7.0 ships with enable-module-command no (Debian's redis.conf keeps it); 6.0 tries and fails to load.
        if (this.release.major === 7) return w(resp.error('ERR MODULE command not allowed. If the enable-module-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.'));
        return w(resp.error(name === 'module' && fullname === 'module|unload' ? 'ERR Error unloading module: no such module with that name' : 'ERR Error loading the extension. Please check the server logs.'));
      case 'module|list':
        return w('*0\r\n');
      case 'eval':
      case 'evalsha': {
        const numkeys = a[1]!;
        if (!/^-?\d+$/.test(numkeys)) return w(resp.error('ERR value is not an integer or out of range'));
        if (Number(numkeys) > a.length - 2) return w(resp.error("ERR Number of keys can't be greater than number of args"));
        if (Number(numkeys) < 0) return w(resp.error("ERR Number of keys can't be negative"));
        if (name === 'evalsha') return w(resp.error('NOSCRIPT No matching script. Please use EVAL.'));
        const lit = /^\s*return\s+(?:(-?\d+)|'([^']*)'|"([^"]*)")\s*;?\s*$/.exec(a[0]!);
        if (lit) return w(lit[1] !== undefined ? resp.int(Number(lit[1])) : resp.bulk(lit[2] ?? lit[3] ?? ''));
        const sha = createHash('sha1').update(raw[1]!).digest('hex');
        const global = /\b(package|io|os|loadstring|require|dofile|loadfile)\b/.exec(a[0]!)?.[1];
        if (global) return w(resp.error(`ERR user_script:1: Script attempted to access nonexistent global variable '${global}' script: ${sha}, on @user_script:1.`));
        return w(resp.bulk(null));
      }
      case 'script|load':
        return w(resp.bulk(createHash('sha1').update(raw[2]!).digest('hex')));
      case 'script|exists':
        return w(`*${a.length - 1}\r\n${':0\r\n'.repeat(a.length - 1)}`);
      case 'script|flush':
        return w(OK);
      case 'keys':
        return w(resp.array(this.keys().filter((k) => glob(a[0]!, k)).slice(0, 1000)));
      case 'scan':
        return w(Buffer.concat([Buffer.from('*2\r\n'), resp.bulk('0'), resp.array(this.keys().slice(0, 1000))]));
      case 'randomkey':
        return w(resp.bulk(this.keys()[0] ?? null));
      case 'get':
        return w(resp.bulk(this.data.get(this.key(a[0]!)) ?? null));
      case 'mget':
        return w(resp.array(a.map((k) => this.data.get(this.key(k)) ?? null)));
      case 'getset': {
        const old = this.data.get(this.key(a[0]!)) ?? null;
        return w(this.put(a[0]!, raw[2]!) ? resp.bulk(old) : this.oom());
      }
      case 'set':
      case 'setex':
      case 'setnx': {
        const value = name === 'setex' ? raw[3]! : raw[2]!;
        if (name === 'setnx' && this.data.has(this.key(a[0]!))) return w(resp.int(0));
        if (!this.put(a[0]!, value)) return w(this.oom());
        return w(name === 'setnx' ? resp.int(1) : OK);
      }
      case 'mset':
        if (a.length % 2 !== 0) return w(resp.error("ERR wrong number of arguments for 'mset' command"));
        for (let i = 0; i < a.length; i += 2) if (!this.put(a[i]!, raw[i + 2]!)) return w(this.oom());
        return w(OK);
      case 'append': {
        const v = Buffer.concat([this.data.get(this.key(a[0]!)) ?? Buffer.alloc(0), raw[2]!]);
        return w(this.put(a[0]!, v) ? resp.int(v.length) : this.oom());
      }
      case 'strlen':
        return w(resp.int(this.data.get(this.key(a[0]!))?.length ?? 0));
      case 'incr': {
        const cur = this.data.get(this.key(a[0]!))?.toString('latin1') ?? '0';
        if (!/^-?\d{1,18}$/.test(cur)) return w(resp.error('ERR value is not an integer or out of range'));
        const next = String(Number(cur) + 1);
        return w(this.put(a[0]!, Buffer.from(next)) ? resp.int(Number(next)) : this.oom());
      }
      case 'del':
      case 'unlink': {
        let n = 0;
        for (const k of a) if (this.remove(k)) n++;
        return w(resp.int(n));
      }
      case 'exists':
        return w(resp.int(a.filter((k) => this.data.has(this.key(k))).length));
      case 'type':
        return w(resp.simple(this.data.has(this.key(a[0]!)) ? 'string' : 'none'));
      case 'ttl':
      case 'pttl':
        return w(resp.int(this.data.has(this.key(a[0]!)) ? -1 : -2));
      case 'expire':
      case 'persist':
        return w(resp.int(this.data.has(this.key(a[0]!)) ? 1 : 0));
      case 'rename': {
        const v = this.data.get(this.key(a[0]!));
        if (!v) return w(resp.error('ERR no such key'));
        this.remove(a[0]!);
        this.put(a[1]!, v);
        return w(OK);
      }
      case 'lpush':
      case 'rpush':
      case 'sadd':
      case 'hset':
      case 'hget':
        if (this.data.has(this.key(a[0]!))) return w(resp.error('WRONGTYPE Operation against a key holding the wrong kind of value'));
        return w(name === 'hget' ? resp.bulk(null) : resp.int(name === 'hset' ? Math.floor((a.length - 1) / 2) : a.length - 1));
      case 'flushall':
        this.data.clear();
        this.dataBytes = 0;
        return w(OK);
      case 'flushdb':
        for (const k of this.keys()) this.remove(k);
        return w(OK);
      case 'dbsize':
        return w(resp.int(this.keys().length));
      case 'select': {
        if (!/^-?\d+$/.test(a[0]!)) return w(resp.error('ERR value is not an integer or out of range'));
        const n = Number(a[0]);
        if (n < 0 || n > 15) return w(resp.error('ERR DB index is out of range'));
        this.db = n;
        return w(OK);
      }
      case 'command':
      case 'command|list':
      case 'command|info':
      case 'command|docs':
        return w('*0\r\n');
      case 'command|count':
        return w(resp.int(this.release.major === 7 ? 240 : 204));
      case 'command|getkeys':
        return w(resp.error('ERR Invalid command specified'));
      case 'client|setname':
        if (/[\s]/.test(a[1]!)) return w(resp.error('ERR Client names cannot contain spaces, newlines or special characters.'));
        this.name = a[1]!.slice(0, 128);
        return w(OK);
      case 'client|getname':
        return w(resp.bulk(this.name || null));
      case 'client|id':
        return w(resp.int(this.clientId));
      case 'client|info':
      case 'client|list':
        return w(resp.bulk(`${this.clientLine()}\n`));
      case 'client|setinfo':
      case 'client|reply':
      case 'client|pause':
      case 'client|unpause':
      case 'client|no_evict':
        return w(OK);
      case 'client|kill':
        return w(a.length === 2 ? resp.error('ERR No such client') : resp.int(0));
      case 'save':
        return w(OK);
      case 'bgsave':
        return w(resp.simple('Background saving started'));
      case 'bgrewriteaof':
        return w(resp.simple('Background append only file rewriting started'));
      case 'lastsave':
        return w(resp.int(Math.floor((this.ctx.now() - 3_600_000) / 1000)));
      case 'time': {
        const t = this.ctx.now();
        return w(resp.array([String(Math.floor(t / 1000)), String((t % 1000) * 1000)]));
      }
      case 'role':
        return w(Buffer.concat([Buffer.from('*3\r\n'), resp.bulk('master'), Buffer.from(':0\r\n*0\r\n')]));
      case 'shutdown':
        return w(resp.error('ERR Errors trying to SHUTDOWN. Check logs.'));
      case 'monitor':
        return w(OK);
      case 'sync':
      case 'psync':
        // A replica's handshake: Redis would stream its dataset. Nothing to give; the connection ends.
        this.session.close('replication request');
        return;
      case 'debug':
        return w(resp.error("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server."));
      case 'acl|whoami':
        return w(resp.bulk('default'));
      case 'acl|users':
        return w(resp.array(['default']));
      case 'acl|list':
        return w(resp.array([this.settings.requireAuth ? 'user default on sanitize-payload #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~* &* +@all' : 'user default on nopass sanitize-payload ~* &* +@all']));
      case 'slowlog|get':
        return w('*0\r\n');
      case 'slowlog|len':
        return w(resp.int(0));
      case 'cluster|info':
      case 'cluster|nodes':
      case 'cluster|slots':
        return w(resp.error('ERR This instance has cluster support disabled'));
      default:
        if (fullname.endsWith('|help')) return w(resp.array([`${name.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, 'HELP', '    Print this help.']));
        return w(resp.error('ERR syntax error'));
    }
  }

  private oom(): string {
    return resp.error("OOM command not allowed when used memory > 'maxmemory'.");
  }

  private key(k: string): string {
    return `${this.db}\u0000${k}`;
  }

  private keys(): string[] {
    const prefix = `${this.db}\u0000`;
    return [...this.data.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  private remove(k: string): boolean {
    const old = this.data.get(this.key(k));
    if (!old) return false;
    this.dataBytes -= old.length + k.length;
    this.data.delete(this.key(k));
    return true;
  }

  private put(k: string, v: Buffer): boolean {
    const old = this.data.get(this.key(k));
    const delta = v.length + k.length - (old ? old.length + k.length : 0);
    if ((!old && this.data.size >= this.settings.maxKeys) || this.dataBytes + delta > this.settings.maxDataBytes) return false;
    this.data.set(this.key(k), Buffer.from(v));
    this.dataBytes += delta;
    return true;
  }

  private clientLine(): string {
    const s = this.session;
    const age = Math.floor((this.ctx.now() - s.startedAt) / 1000);
    return `id=${this.clientId} addr=${s.ref.src_ip}:${s.ref.src_port} laddr=${s.socket.localAddress ?? '0.0.0.0'}:${s.socket.localPort ?? 6379} fd=8 name=${this.name} age=${age} idle=0 flags=N db=${this.db} sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=20448 argv-mem=10 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=22426 events=r cmd=client|info user=default redir=-1 resp=2`;
  }

  private info(section: string): string {
    const p = this.ctx.persona;
    const r = this.release;
    const now = this.ctx.now();
    const up = Math.max(1, Math.floor((now - this.server.startedAt) / 1000));
    const used = 1_000_000 + this.dataBytes;
    const mb = (n: number) => `${(n / 1048576).toFixed(2)}M`;
    const sections: Record<string, string[]> = {
      server: [
        `redis_version:${r.version}`, 'redis_git_sha1:00000000', 'redis_git_dirty:0', `redis_build_id:${this.server.buildId}`, 'redis_mode:standalone',
        `os:Linux ${p.kernel.release} ${p.kernel.arch}`, 'arch_bits:64', ...(r.major === 7 ? ['monotonic_clock:POSIX clock_gettime'] : []), 'multiplexing_api:epoll',
        'atomicvar_api:c11-builtin', `gcc_version:${r.gcc}`, `process_id:${this.server.pid}`, 'process_supervised:systemd', `run_id:${this.server.runId}`,
        `tcp_port:${this.session.socket.localPort ?? 6379}`, `server_time_usec:${now * 1000}`, `uptime_in_seconds:${up}`, `uptime_in_days:${Math.floor(up / 86400)}`,
        'hz:10', 'configured_hz:10', `lru_clock:${Math.floor(now / 1000) % 16777216}`, 'executable:/usr/bin/redis-server', 'config_file:/etc/redis/redis.conf',
        ...(r.major === 7 ? ['io_threads_active:0'] : []),
      ],
      clients: ['connected_clients:1', 'cluster_connections:0', 'maxclients:10000', 'client_recent_max_input_buffer:20480', 'client_recent_max_output_buffer:0', 'blocked_clients:0', 'tracking_clients:0', 'clients_in_timeout_table:0'],
      memory: [
        `used_memory:${used}`, `used_memory_human:${mb(used)}`, `used_memory_rss:${used * 6}`, `used_memory_rss_human:${mb(used * 6)}`, `used_memory_peak:${used + 120_000}`,
        `used_memory_peak_human:${mb(used + 120_000)}`, `total_system_memory:${p.hardware.memoryKb * 1024}`, `total_system_memory_human:${(p.hardware.memoryKb / 1048576).toFixed(2)}G`,
        'maxmemory:0', 'maxmemory_human:0B', 'maxmemory_policy:noeviction', 'mem_fragmentation_ratio:6.02', 'mem_allocator:jemalloc-5.3.0',
      ],
      persistence: ['loading:0', 'async_loading:0', 'rdb_changes_since_last_save:0', 'rdb_bgsave_in_progress:0', `rdb_last_save_time:${Math.floor((now - 3_600_000) / 1000)}`, 'rdb_last_bgsave_status:ok', 'aof_enabled:0', 'aof_rewrite_in_progress:0'],
      stats: [`total_connections_received:${this.server.connections + 11}`, `total_commands_processed:${this.server.commands + 40}`, 'instantaneous_ops_per_sec:0', 'rejected_connections:0', 'expired_keys:0', 'evicted_keys:0', 'keyspace_hits:0', 'keyspace_misses:0', 'pubsub_channels:0'],
      replication: ['role:master', 'connected_slaves:0', `master_replid:${createHash('sha1').update(this.server.runId).digest('hex')}`, 'master_replid2:0000000000000000000000000000000000000000', 'master_repl_offset:0', 'repl_backlog_active:0'],
      cpu: [`used_cpu_sys:${(up * 0.0009).toFixed(6)}`, `used_cpu_user:${(up * 0.0011).toFixed(6)}`, 'used_cpu_sys_children:0.000000', 'used_cpu_user_children:0.000000'],
      modules: [],
      errorstats: [],
      cluster: ['cluster_enabled:0'],
      keyspace: this.keys().length ? [`db${this.db}:keys=${this.keys().length},expires=0,avg_ttl=0`] : [],
    };
    const titles: Record<string, string> = { server: 'Server', clients: 'Clients', memory: 'Memory', persistence: 'Persistence', stats: 'Stats', replication: 'Replication', cpu: 'CPU', modules: 'Modules', errorstats: 'Errorstats', cluster: 'Cluster', keyspace: 'Keyspace' };
    const def = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', ...(r.major === 7 ? ['modules', 'errorstats'] : []), 'cluster', 'keyspace'];
    const want = section === 'default' || section === 'all' || section === 'everything' ? def : [section];
    return want
      .filter((s) => sections[s])
      .map((s) => `# ${titles[s]}\r\n${sections[s]!.map((l) => `${l}\r\n`).join('')}`)
      .join('\r\n');
  }
}
