/**
 * Child process of kill-restart.test.ts: ingests a deterministic stream of N events (fixed ids) from the start,
 * in batches, into a SQLite store in `dir`, printing `ack <n>` after each batch's ingest resolved (the
 * acknowledgement a bus would send). The parent kills it with SIGKILL at some point and starts it again.
 */
import { MemoryBus } from '../../src/core/bus/memory-bus.js';
import { defaultConfig } from '../../src/core/config/defaults.js';
import type { AnyEvent } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { ThreatService } from '../../src/threat/threat-service.js';
import { auth, connect, T0 } from './helpers.js';

export function streamEvent(i: number): AnyEvent {
  const src = `203.0.${(i % 500) >> 8}.${(i % 500) & 255}`;
  const ev = i % 2 === 0 ? connect(T0 + i, src, 22 + (i % 7)) : auth(T0 + i, src, `u${i % 13}`, 'pw');
  ev.id = `00000000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;
  return ev;
}

async function main(): Promise<void> {
  const [dir, totalArg, batchArg] = process.argv.slice(2);
  const total = Number(totalArg);
  const batch = Number(batchArg);
  const store = await openSqliteStore({ dataDir: dir!, file: 'lnmt.db', cacheSizeMb: 16, mmapSizeMb: 0, busyTimeoutMs: 5000 });
  const config = defaultConfig();
  config.threat = { hotProfiles: 1000, maxBatch: 1000 };
  const svc = new ThreatService({ store, bus: new MemoryBus(), config, logger: silentLogger() });
  await svc.start();
  for (let i = 0; i < total; i += batch) {
    const events = Array.from({ length: Math.min(batch, total - i) }, (_, k) => streamEvent(i + k));
    await svc.pipeline.ingest(events);
    process.stdout.write(`ack ${i + events.length}\n`);
  }
  await svc.stop();
  await store.close();
  process.stdout.write('done\n');
}

if (process.argv[1]?.endsWith('_ingest-child.ts')) void main();
