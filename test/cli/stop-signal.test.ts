/**
 * The stop signal of `serve` and `sensor`: listened for from the start, the first one resolves, the same one
 * delivered again at once (a process-group signal) is ignored, and a second one exits with status 1.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import { CliRuntime } from '../../src/cli/runtime.js';

const sink = { write: () => true };
const runtime = () => new CliRuntime({ stdout: sink, stderr: sink, env: {}, cwd: '/' }, 'test');

describe('stop signal', () => {
  const runtimes: CliRuntime[] = [];
  afterEach(() => {
    for (const rt of runtimes.splice(0)) rt.cleanup();
    mock.restoreAll();
  });

  it('resolves with the first signal; the same signal again at once is the same delivery; another one exits 1', async () => {
    const rt = runtime();
    runtimes.push(rt);
    const warned: unknown[] = [];
    const exits: Array<number | undefined> = [];
    mock.method(process, 'exit', ((code?: number) => void exits.push(code)) as never);
    const stop = rt.stopSignal({ warn: (o: unknown) => void warned.push(o) } as never);
    process.emit('SIGTERM', 'SIGTERM');
    assert.equal(await stop, 'SIGTERM');
    process.emit('SIGTERM', 'SIGTERM');
    assert.deepEqual(exits, [], 'a duplicate delivery does not force the exit');
    process.emit('SIGINT', 'SIGINT');
    assert.deepEqual(exits, [1]);
    assert.deepEqual(warned, [{ signal: 'SIGINT' }]);
  });

  it('the same signal again later is a second signal', async () => {
    const rt = runtime();
    runtimes.push(rt);
    const exits: Array<number | undefined> = [];
    mock.method(process, 'exit', ((code?: number) => void exits.push(code)) as never);
    const stop = rt.stopSignal({ warn: () => {} } as never);
    process.emit('SIGINT', 'SIGINT');
    assert.equal(await stop, 'SIGINT');
    await new Promise((r) => setTimeout(r, 250));
    process.emit('SIGINT', 'SIGINT');
    assert.deepEqual(exits, [1]);
  });

  it('its handlers go with the command (cleanup)', () => {
    const before = process.listenerCount('SIGTERM');
    const rt = runtime();
    void rt.stopSignal({ warn: () => {} } as never);
    assert.equal(process.listenerCount('SIGTERM'), before + 1);
    rt.cleanup();
    assert.equal(process.listenerCount('SIGTERM'), before);
  });
});
