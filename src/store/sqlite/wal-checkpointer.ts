import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints on a worker thread with its own connection. A checkpoint copies the WAL back into the
 * database file and syncs it; run by the writer's connection (SQLite's auto-checkpoint) it blocks the event
 * loop for as long as that takes, tens of milliseconds for a large WAL, which is what the pipeline's p99
 * latency showed. A PASSIVE checkpoint from another connection never blocks the writer or readers; the
 * writer's own auto-checkpoint stays on as a backstop at a larger size in case this thread falls behind.
 */
export interface WalCheckpointer {
  /** Checkpoints completed (frames copied back) so far; for tests and metrics. */
  readonly runs: () => Promise<number>;
  stop(): Promise<void>;
}

// Plain CommonJS on purpose: it runs from a string (`eval`), so it works the same from dist/ and the bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs });
let runs = 0;
const checkpoint = () => {
  try {
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    if (r && r.checkpointed > 0) runs++;
  } catch {
    // SQLITE_BUSY while another checkpoint runs: the next tick tries again.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'runs') return parentPort.postMessage({ runs });
  if (m === 'stop') {
    clearInterval(timer);
    checkpoint();
    db.close();
    parentPort.postMessage({ stopped: true, runs });
    parentPort.close();
  }
});
`;

export function startWalCheckpointer(path: string, opts: { intervalMs: number; busyTimeoutMs: number }): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, ...opts } });
  worker.unref();
  let exited = false;
  worker.once('exit', () => {
    exited = true;
  });
  // An error in the thread (a database it cannot open) leaves the writer's auto-checkpoint doing the work.
  worker.on('error', () => undefined);
  const ask = <T>(msg: string, key: keyof T): Promise<T | null> =>
    exited
      ? Promise.resolve(null)
      : new Promise((resolve) => {
          const onMessage = (m: T) => {
            if (m && typeof m === 'object' && key in m) {
              worker.off('message', onMessage);
              worker.off('exit', onExit);
              resolve(m);
            }
          };
          const onExit = () => {
            worker.off('message', onMessage);
            resolve(null);
          };
          worker.on('message', onMessage);
          worker.once('exit', onExit);
          worker.postMessage(msg);
        });
  return {
    runs: async () => (await ask<{ runs: number }>('runs', 'runs'))?.runs ?? 0,
    async stop() {
      await ask<{ stopped: boolean }>('stop', 'stopped');
      if (!exited) await worker.terminate();
    },
  };
}
