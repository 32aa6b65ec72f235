import type { Logger } from 'pino';
import type { LnmtConfig } from '../core/config/schema.js';
import type { HoneynetConfig } from '../core/config/sections/honeynet.js';
import type { Persona } from './persona/persona.js';
import type { HoneypotEventSink } from './runtime/event-sink.js';
import { Quarantine } from './runtime/quarantine.js';
import { recordingsDir } from './runtime/recording-path.js';
import type { ServeOptions } from './runtime/serve-connection.js';
import type { SharedServiceContext } from './runtime/start-service.js';
import { quarantineDir } from './sensor-paths.js';

/** How every admitted connection is served, from `honeynet.limits` and `honeynet.tarpit` (sensor and workers alike). */
export function serveSettings(hn: HoneynetConfig): Pick<ServeOptions, 'session' | 'tarpitIntervalMs'> {
  return {
    session: { idleTimeoutMs: hn.limits.idleTimeoutSec * 1000, maxSessionMs: hn.limits.maxSessionSec * 1000, maxBytesIn: hn.limits.maxBytesInPerSession, maxBytesOut: hn.limits.maxBytesOutPerSession },
    tarpitIntervalMs: hn.tarpit.enabled ? hn.tarpit.intervalMs : null,
  };
}

/** What the services of one process (the sensor's own, or a worker's) share: one quarantine, one recordings dir. */
export function sharedServiceContext(o: { config: LnmtConfig; cwd: string; persona: Persona; sink: HoneypotEventSink; logger: Logger; now: () => number }): SharedServiceContext {
  const hn = o.config.honeynet;
  return {
    sensor: o.config.node.name,
    persona: o.persona,
    config: hn,
    sink: o.sink,
    quarantine: new Quarantine({ dir: quarantineDir(o.config, o.cwd), maxFileBytes: hn.quarantine.maxFileBytes, maxTotalBytes: hn.quarantine.maxTotalBytes }),
    recordings: { dir: recordingsDir(o.config, o.cwd), maxBytes: hn.recordings.maxBytesPerSession },
    logger: o.logger,
    now: o.now,
  };
}
