/** `lnmt --help`, `--version`, usage errors, and start-up cost (no heavy module loaded before a command runs). */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ESC, ROOT, TempDirs, ensureBuilt, lnmt } from './helpers.js';

const dirs = new TempDirs();
let cwd: string;
before(() => {
  ensureBuilt();
  cwd = dirs.make();
});
after(() => dirs.cleanup());

const COMMANDS = ['scan', 'devices', 'checks', 'uptime', 'jobs', 'notify', 'honeypot', 'status', 'serve', 'sensor', 'token', 'config'];

describe('lnmt --help and --version', () => {
  it('--help lists every command group and the global options, on stdout, exit 0', async () => {
    const r = await lnmt(['--help'], { cwd });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^Usage: lnmt \[options\] \[command\]/);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c}\\b`, 'm'), c);
    for (const o of ['--config <file>', '--data-dir <dir>', '--log-level <level>', '--version', '--help']) assert.ok(r.stdout.includes(o), o);
    assert.match(r.stdout, /Exit codes: 0 ok, 1 failure, 2 invalid/);
    assert.doesNotMatch(r.stdout, ESC);
  });

  it('--version and -V print the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await lnmt([flag], { cwd });
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `${version}\n`);
    }
  });

  it('every command and subcommand has help, including the global options', async () => {
    const cmds = [['scan'], ['devices', 'list'], ['devices', 'show'], ['devices', 'add'], ['devices', 'remove'], ['devices', 'export'], ['status'], ['serve'], ['token', 'create'], ['token', 'list'], ['token', 'revoke'], ['config', 'check'], ['config', 'show']];
    const results = await Promise.all(cmds.map((c) => lnmt([...c, '--help'], { cwd })));
    results.forEach((r, i) => {
      const name = cmds[i]!.join(' ');
      assert.equal(r.code, 0, name);
      assert.match(r.stdout, new RegExp(`^Usage: lnmt ${name}`), name);
      assert.match(r.stdout, /Global Options:[\s\S]*--data-dir/, name);
      assert.doesNotMatch(r.stdout, ESC, name);
    });
    const scan = results[0]!.stdout;
    for (const f of ['--force', '--no-cache', '--timeout <ms>', '--retries <n>', '--ports <list>', '--concurrency <n>', '--no-icmp', '--no-dns', '--json']) assert.ok(scan.includes(f), f);
    const list = results[1]!.stdout;
    for (const f of ['--status', '--vendor', '--subnet', '-q, --search', '--sort', '--order', '--limit', '--offset', '--json', '--csv']) assert.ok(list.includes(f), f);
  });

  it('`lnmt help <command>` works like `<command> --help`', async () => {
    const r = await lnmt(['help', 'token'], { cwd });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: lnmt token/);
  });
});

describe('usage errors: exit 2, message on stderr, stdout empty', () => {
  const cases: Array<[string[], RegExp]> = [
    [['bogus'], /error: unknown command 'bogus'/],
    [['devices', 'list', '--bogus'], /error: unknown option '--bogus'/],
    [['scan'], /error: missing required argument 'targets'/],
    [['devices', 'show'], /error: missing required argument/],
    [['token', 'create'], /error: required option '--role <role>' not specified/],
    [['devices', 'list', '--limit'], /error: option '--limit <n>' argument missing/],
    [['statsu'], /Did you mean status\?/],
  ];
  for (const [args, want] of cases) {
    it(`lnmt ${args.join(' ')}`, async () => {
      const r = await lnmt(args, { cwd });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, want);
      assert.match(r.stderr, /run with --help/);
      assert.doesNotMatch(r.stderr, ESC);
    });
  }

  it('no command at all prints the usage on stderr with exit 2', async () => {
    const r = await lnmt([], { cwd });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Usage: lnmt/);
  });

  it('none of these touched the working directory (no data dir)', async () => {
    const { readdirSync } = await import('node:fs');
    assert.deepEqual(readdirSync(cwd), []);
  });
});

describe('start-up cost', () => {
  /** Files reachable from `entry` through static imports (dynamic `import()` excluded), and the bare specifiers. */
  function staticGraph(entry: string): { files: string[]; bare: string[] } {
    const seen = new Set<string>();
    const bare = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/^(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]/gm)) {
        const spec = (m[1] ?? m[2])!;
        if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
        else bare.add(spec);
      }
    };
    walk(entry);
    return { files: [...seen], bare: [...bare] };
  }

  const HEAVY = /^\/\/ (node_modules\/(typebox|kysely|better-sqlite3|pino|fastify|@fastify|yaml|cli-table3|cli-progress|ipaddr\.js|oui-data)\/|src\/(store|api|app|inventory)\/)/m;

  /**
   * The compiled CLI entry must not reach the heavy modules (config schema validator, store, SQLite, HTTP
   * server, logger, tables, OUI data) through static imports: commands load them inside their actions.
   */
  it('tsc output: dist/cli/main.js statically imports only commander, picocolors and node built-ins', () => {
    const { files, bare } = staticGraph(join(ROOT, 'dist', 'cli', 'main.js'));
    const heavy = bare.filter((s) => !s.startsWith('node:') && s !== '@commander-js/extra-typings' && s !== 'picocolors');
    assert.deepEqual(heavy, [], `heavy static imports reachable from the CLI entry: ${heavy.join(', ')}`);
    const internal = files.map((f) => f.slice(join(ROOT, 'dist').length + 1));
    assert.ok(!internal.some((f) => /^(store|api|app|inventory)\//.test(f)), `store/api/app/inventory reached statically: ${internal.join(', ')}`);
  });

  it('bundle (when built): the chunks dist/bundle/main.js loads up front hold no heavy module', { skip: !existsSync(join(ROOT, 'dist', 'bundle', 'main.js')) }, () => {
    const { files, bare } = staticGraph(join(ROOT, 'dist', 'bundle', 'main.js'));
    assert.deepEqual(bare.filter((s) => !s.startsWith('node:')), []);
    for (const f of files) {
      const m = HEAVY.exec(readFileSync(f, 'utf8'));
      assert.equal(m, null, `${f} (loaded at start-up) contains ${m?.[0]}`);
    }
  });

  it('`lnmt --help` starts in well under 300 ms (median of 5)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const r = await lnmt(['--help'], { cwd });
      times.push(performance.now() - t);
      assert.equal(r.code, 0);
    }
    times.sort((a, b) => a - b);
    const median = times[2]!;
    assert.ok(median < 300, `median ${median.toFixed(0)} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')})`);
  });
});
