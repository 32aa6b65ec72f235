/**
 * One honeypot service on a loopback port for a test: a bus whose honeypot events are collected, the runtime's
 * sink, quarantine and recordings in a temp dir, and the TCP listener with the given limits. `close()` stops it
 * and removes the directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBus } from '../../../src/core/bus/memory-bus.js';
import { honeynetDefaults } from '../../../src/core/config/sections/honeynet.js';
import type { AnyEvent } from '../../../src/core/events.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Persona } from '../../../src/honeynet/persona/persona.js';
import { ConnectionLimits, type ConnectionLimitSettings } from '../../../src/honeynet/runtime/connection-limits.js';
import { HoneypotEventSink } from '../../../src/honeynet/runtime/event-sink.js';
import type { HoneypotService } from '../../../src/honeynet/runtime/honeypot-service.js';
import type { SessionLimits } from '../../../src/honeynet/runtime/honeypot-session.js';
import { Quarantine } from '../../../src/honeynet/runtime/quarantine.js';
import { listenTcp, type RunningListener } from '../../../src/honeynet/runtime/tcp-listener.js';

export interface TestService {
  dir: string;
  events: AnyEvent[];
  listener: RunningListener;
  close(): Promise<void>;
}

export async function startTestService(
  service: HoneypotService,
  o: { persona: Persona; settings: Record<string, unknown>; limits: ConnectionLimitSettings; session: SessionLimits; maxFileBytes: number; maxTotalBytes: number },
): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), `lnmt-${service.name}-`));
  const events: AnyEvent[] = [];
  const bus = new MemoryBus({ logger: silentLogger() });
  bus.subscribe({ name: 'test', types: ['honeypot.*'] }, async (b) => {
    events.push(...b);
  });
  const sink = new HoneypotEventSink({ bus, sensor: 's', logPath: null });
  const handler = await service.start({
    sensor: 's', persona: o.persona, config: honeynetDefaults(), settings: o.settings, sink,
    quarantine: new Quarantine({ dir: join(dir, 'q'), maxFileBytes: o.maxFileBytes, maxTotalBytes: o.maxTotalBytes }),
    recordings: { dir: join(dir, 'rec'), maxBytes: 1 << 20 }, logger: silentLogger(), now: Date.now,
  });
  const listener = await listenTcp({ service: service.name, bind: '127.0.0.1', port: 0, limits: new ConnectionLimits(o.limits), session: o.session, sink, handler });
  return {
    dir,
    events,
    listener,
    async close() {
      await listener.close();
      await sink.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
