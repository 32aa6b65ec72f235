/**
 * Benchmark helpers for a sensor (or client) running in a child process that talks JSON lines on stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';

const HERE = import.meta.dirname;

/** JSON lines from a child, taken one at a time (a readline async iterator closes when a loop breaks). */
export class JsonLines {
  private readonly queue: string[] = [];
  private readonly waiters: Array<(l: string | null) => void> = [];
  private ended = false;
  constructor(rl: Interface) {
    rl.on('line', (l) => {
      if (!l.trim().startsWith('{')) return;
      const w = this.waiters.shift();
      if (w) w(l);
      else this.queue.push(l);
    });
    rl.on('close', () => {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w(null);
    });
  }
  next(): Promise<string | null> {
    if (this.queue.length) return Promise.resolve(this.queue.shift()!);
    if (this.ended) return Promise.resolve(null);
    return new Promise((r) => this.waiters.push(r));
  }
}

export function child(script: string, args: string[]): { proc: ChildProcess; lines: JsonLines } {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(HERE, script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  return { proc, lines: new JsonLines(createInterface({ input: proc.stdout! })) };
}

export async function nextJson<T>(lines: JsonLines): Promise<T> {
  const l = await lines.next();
  if (l === null) throw new Error('child ended');
  return JSON.parse(l) as T;
}

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}


/**
 * Trigger latency: TCP connect → `honeypot.connect` delivered on the sensor's bus (the `_honeypot-sensor.ts`
 * child timestamps it; `lat` returns and resets what it saw), over `n` sequential connects. `first-byte` waits
 * for the service's first bytes before the next connect (services that speak first); `paced` starts one every
 * 3 ms, far below what any service takes, for services that wait for the client — so the figure is one
 * connection's latency, never the queue a burst of connects would build in the accept backlog.
 */
export async function triggerLatency(port: number, sensor: { proc: ChildProcess; lines: JsonLines }, n: number, mode: 'first-byte' | 'paced'): Promise<{ p50: number; p99: number }> {
  sensor.proc.stdin!.write('lat\n');
  await nextJson(sensor.lines); // reset
  const starts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve) => {
      const t0 = performance.timeOrigin + performance.now();
      const s = connect(port, '127.0.0.1', () => {
        starts.set(s.localPort!, t0);
        if (mode === 'paced') {
          setTimeout(() => s.destroy(), 50);
          setTimeout(resolve, 3);
        }
      });
      s.on('error', () => resolve());
      if (mode === 'first-byte') {
        s.once('data', () => {
          s.destroy();
          resolve();
        });
      }
    });
  }
  await new Promise((r) => setTimeout(r, 300));
  sensor.proc.stdin!.write('lat\n');
  const { lat } = await nextJson<{ lat: Array<[number, number]> }>(sensor.lines);
  const ms = lat.filter(([p]) => starts.has(p)).map(([p, t]) => t - starts.get(p)!);
  return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) };
}
