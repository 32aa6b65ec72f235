import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { LnmtConfig } from '../../core/config/schema.js';
import type { HoneypotRef } from '../../core/events.js';
import { uuidv7 } from '../../core/ids.js';
import type { Persona } from '../persona/persona.js';
import type { HoneypotEventSink } from '../runtime/event-sink.js';
import type { PreparedServices } from '../runtime/start-service.js';
import type { SystemUser } from './system-user.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

export interface WorkerPoolOptions {
  count: number;
  config: LnmtConfig;
  persona: Persona;
  /** What each service's `prepare` made for this start (the same for every worker). */
  prepared: PreparedServices;
  cwd: string;
  /** The primary's sink: it logs and publishes what the workers send. */
  sink: HoneypotEventSink;
  logger: Logger;
  /** Run the workers as this user (the primary is root); null: as the primary. */
  user: SystemUser | null;
  now?: () => number;
  onStatus?: (status: { status: 'up' | 'down'; detail: string }) => void;
}

interface OpenConnection {
  ref: HoneypotRef;
  startedAt: number;
  release: () => void;
}

interface Worker {
  index: number;
  child: ChildProcess;
  ready: boolean;
  open: Map<string, OpenConnection>;
}

/** The worker entry next to this module: `.js` in dist/ and in the bundle, `.ts` when run from source. */
function workerEntry(): string {
  for (const name of ['./sensor-worker.js', './sensor-worker.ts']) {
    const p = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error(`sensor worker entry not found next to ${fileURLToPath(import.meta.url)} (run \`npm run build\`)`);
}

/**
 * The sensor's worker processes (`honeynet.workers`). One process holds at most ~20,000 sockets here, so the
 * connections are spread over N processes: the primary accepts (paused: it never reads a byte), admits through
 * the shared limits and hands the socket to the worker with the fewest open sessions. A worker that dies is
 * replaced (with backoff); its sessions get their `honeypot.close` from here and their admissions back.
 */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private stopping = false;
  private readonly now: () => number;
  private readonly entry = workerEntry();
  private restarts = 0;

  constructor(private readonly o: WorkerPoolOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Pids of the live workers (for RSS accounting in benchmarks and `lnmt status`). */
  get pids(): number[] {
    return this.workers.filter((w) => w.child.pid !== undefined && w.child.exitCode === null).map((w) => w.child.pid!);
  }

  /** Open sessions per worker (the primary's count: admitted and not yet reported closed). */
  load(): Array<{ index: number; pid: number | undefined; open: number; ready: boolean }> {
    return this.workers.map((w) => ({ index: w.index, pid: w.child.pid, open: w.open.size, ready: w.ready }));
  }

  get openSessions(): number {
    return this.workers.reduce((n, w) => n + w.open.size, 0);
  }

  /** Starts every worker; resolves when all have started their services, rejects if one cannot. */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.o.count }, (_, i) => this.spawn(i)));
    this.o.onStatus?.({ status: 'up', detail: `${this.o.count} worker processes${this.o.user ? ` as ${this.o.user.name}` : ''}` });
  }

  private spawn(index: number): Promise<void> {
    const { user } = this.o;
    const execArgv = this.entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const child = fork(this.entry, [], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
      env: { ...process.env, LNMT_SENSOR_WORKER: String(index) },
    });
    const w: Worker = { index, child, ready: false, open: new Map() };
    this.workers[index] = w;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else resolve();
      };
      child.on('message', (m: FromWorker) => {
        if (m.t === 'events') this.o.sink.forward(m.events);
        else if (m.t === 'closed') this.closed(w, m.id);
        else if (m.t === 'ready') {
          w.ready = true;
          settle();
        } else if (m.t === 'failed') settle(new Error(`sensor worker ${index} could not start: ${m.error}`));
      });
      child.on('error', (err) => settle(new Error(`sensor worker ${index} could not start: ${err.message}`)));
      child.on('exit', (code, signal) => {
        settle(new Error(`sensor worker ${index} exited while starting (${signal ?? `code ${code}`})`));
        this.exited(w, code, signal);
      });
      const init: ToWorker = { t: 'init', config: this.o.config, persona: this.o.persona, prepared: this.o.prepared, cwd: this.o.cwd, index };
      child.send(init);
    });
  }

  private closed(w: Worker, id: string): void {
    const c = w.open.get(id);
    if (!c) return;
    w.open.delete(id);
    c.release();
  }

  private exited(w: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    w.ready = false;
    // Its sessions ended with it: close them in the record and give their admissions back.
    for (const [id, c] of w.open) {
      c.release();
      this.o.sink.emit('honeypot.close', c.ref, id, { duration_ms: this.now() - c.startedAt, bytes_in: 0, bytes_out: 0, reason: 'worker exited' });
    }
    w.open.clear();
    if (this.stopping || this.workers[w.index] !== w) return;
    const delay = Math.min(30_000, 500 * 2 ** Math.min(this.restarts++, 6));
    this.o.logger.error({ worker: w.index, code, signal, restartInMs: delay }, 'sensor worker exited; restarting it');
    this.o.onStatus?.({ status: 'down', detail: `worker ${w.index} exited (${signal ?? `code ${code}`}); restarting` });
    setTimeout(() => {
      if (this.stopping) return;
      this.spawn(w.index).then(
        () => this.o.onStatus?.({ status: 'up', detail: `${this.o.count} worker processes` }),
        (err: Error) => this.o.logger.error({ err: err.message }, 'sensor worker restart failed'),
      );
    }, delay).unref();
  }

  /**
   * Hands an admitted connection to the least-loaded ready worker. False when none is ready (all restarting):
   * the caller refuses the connection.
   */
  dispatch(service: string, socket: Socket, ref: HoneypotRef, release: () => void): boolean {
    let best: Worker | null = null;
    for (const w of this.workers) if (w?.ready && w.child.connected && (!best || w.open.size < best.open.size)) best = w;
    if (!best) return false;
    const startedAt = this.now();
    const id = uuidv7(startedAt);
    const w = best;
    w.open.set(id, { ref, startedAt, release });
    const msg: ToWorker = { t: 'conn', service, id, ref };
    w.child.send(msg, socket, (err) => {
      if (!err) return;
      // Not delivered (the worker is going away): nothing was emitted for it yet.
      socket.destroy();
      if (w.open.delete(id)) release();
    });
    return true;
  }

  /** Asks every worker to close its sessions and flush; kills the ones that do not exit in time. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (!w || w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
            const timer = setTimeout(() => w.child.kill('SIGKILL'), timeoutMs);
            w.child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            if (w.child.connected) w.child.send({ t: 'stop' } satisfies ToWorker);
            else w.child.kill('SIGTERM');
          }),
      ),
    );
  }
}
