/**
 * A notification service on a real SQLite store and an in-process bus, with the clock, the environment and the
 * config (LNMT_* variables and an optional YAML file) chosen by the test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { MemoryBus } from '../../src/core/bus/memory-bus.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import type { LnmtConfig } from '../../src/core/config/schema.js';
import { makeEvent, type AnyEvent, type CheckRef, type DeviceRef, type EventPayloads, type EventType } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { NotificationService } from '../../src/notify/notification-service.js';
import type { RuleRegistry } from '../../src/notify/rules/rule.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { T0 } from './helpers.js';

export interface Harness {
  dir: string;
  config: LnmtConfig;
  store: Store;
  bus: MemoryBus;
  svc: NotificationService;
  /** `notification.failed` events seen on the bus. */
  failures: AnyEvent[];
  clock: { now: number };
  /** Publishes one event and waits until every subscriber handled it (at the current clock reading). */
  publish<T extends EventType>(type: T, data: EventPayloads[T]): Promise<AnyEvent>;
  /** Waits until the bus delivered everything and the delivery log is written. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  yaml?: string;
  processEnv?: NodeJS.ProcessEnv;
  logger?: Logger;
  rules?: RuleRegistry;
  start?: boolean;
  stopGraceMs?: number;
}

export async function harness(o: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'lnmt-notify-'));
  if (o.yaml) writeFileSync(join(dir, 'lnmt.yaml'), o.yaml);
  let config: LnmtConfig;
  try {
    config = loadConfig({ env: { LNMT_DATA_DIR: dir, LNMT_LOG__LEVEL: 'silent', LNMT_NODE__NAME: 'gw-1', ...o.env }, cwd: dir }).config;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const store = await openStore(config);
  const bus = new MemoryBus();
  const failures: AnyEvent[] = [];
  const failSub = bus.subscribe({ name: 'test-failures', types: ['notification.failed'] }, (evs) => void failures.push(...evs));
  const clock = { now: T0 };
  let svc: NotificationService;
  try {
    svc = new NotificationService({ config, store, bus, logger: o.logger ?? silentLogger(), now: () => clock.now, env: o.processEnv ?? {}, stopGraceMs: o.stopGraceMs ?? 200, ...(o.rules ? { rules: o.rules } : {}) });
    if (o.start !== false) await svc.start();
  } catch (err) {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const h: Harness = {
    dir,
    config,
    store,
    bus,
    svc,
    failures,
    clock,
    async publish(type, data) {
      const ev = makeEvent(type, data, { sensor: 'gw-1', now: clock.now }) as AnyEvent;
      await bus.publish([ev]);
      await bus.drain(); // handled at this clock reading
      return ev;
    },
    async settle() {
      await bus.drain();
      await svc.flushLog();
    },
    async close() {
      await svc.stop();
      await failSub.unsubscribe();
      await bus.close();
      await h.store.close(); // a test may have reopened it (a restart)
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

export const DEVICE: DeviceRef = { id: 7, ip: '10.0.0.7', mac: 'aa:bb:cc:dd:ee:07', vendor: 'Acme', hostname: 'web-1.lan' };
export const CHECK: CheckRef = { id: 'c1', name: 'web-1', type: 'http', target: 'http://10.0.0.7/health', device_id: 7 };

export function checkDown(over: Partial<EventPayloads['check.state_changed']> = {}): EventPayloads['check.state_changed'] {
  return { check: CHECK, previous: 'up', current: 'down', message: 'connection refused', streak: 3, flapping: false, device: DEVICE, ...over };
}

/** A webhook channel to `url` made through the catalog (as the API and CLI make them). */
export async function addWebhook(h: Harness, name: string, url: string, filter: Record<string, unknown> = {}) {
  return h.svc.channels.create({ name, type: 'webhook', settings: { url }, filter }, (f) => f);
}
