/**
 * Output on a real terminal (a pseudo-terminal from util-linux `script`): colour and the progress bar appear
 * only there; NO_COLOR turns colour off; piped output (every other e2e test) has no escape codes at all.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { BIN, ESC, TempDirs, cleanEnv, ensureBuilt, freePort, lnmt } from './helpers.js';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const dirs = new TempDirs();
let cwd: string;

before(async () => {
  ensureBuilt();
  cwd = dirs.make();
  assert.equal((await lnmt(['devices', 'add', '10.0.0.1', '--name', 'tty-test'], { cwd })).code, 0);
});
after(() => dirs.cleanup());

/** Runs `lnmt <args>` with stdout and stderr on one pseudo-terminal; returns what the terminal received. */
function onTty(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; output: string }> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', quoted, '/dev/null'], { cwd, env: cleanEnv({ TERM: 'xterm-256color', ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('terminal output', { skip: !hasScript && 'util-linux `script` is not installed' }, () => {
  it('tables are coloured on a terminal', async () => {
    const r = await onTty(['devices', 'list']);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, ESC);
    assert.match(r.output, /\u001b\[1mIP\u001b\[22m/, 'bold header');
  });

  it('NO_COLOR=1 turns colour off even on a terminal', async () => {
    const r = await onTty(['devices', 'list'], { NO_COLOR: '1' });
    assert.equal(r.code, 0, r.output);
    assert.doesNotMatch(r.output, ESC);
    assert.match(r.output, /tty-test/);
  });

  it('errors are coloured on a terminal, plain in a pipe', async () => {
    const tty = await onTty(['devices', 'list', '--limit', 'x']);
    assert.equal(tty.code, 2);
    assert.match(tty.output, /\u001b\[31merror:/);
    const piped = await lnmt(['devices', 'list', '--limit', 'x'], { cwd });
    assert.match(piped.stderr, /^error: invalid value for --limit/);
    assert.doesNotMatch(piped.stderr, ESC);
  });

  it('scan shows a progress bar on a terminal (stderr) and clears it; none in a pipe', async () => {
    const port = await freePort();
    const args = ['scan', '127.0.16.0/22', '--no-cache', '--no-dns', '--no-icmp', '--ports', String(port)];
    const tty = await onTty(args);
    assert.equal(tty.code, 0, tty.output);
    assert.match(tty.output, /scanning .*\d+\/1022 addresses/);
    assert.match(tty.output, /scanned 1022 addresses/);
    const piped = await lnmt(args, { cwd });
    assert.doesNotMatch(piped.stderr, /scanning/);
    assert.doesNotMatch(piped.stdout + piped.stderr, ESC);
  });
});
