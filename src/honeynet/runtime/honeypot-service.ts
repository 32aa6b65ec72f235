import type { Logger } from 'pino';
import type { EventPayloads, HoneypotRef } from '../../core/events.js';
import type { HoneynetConfig } from '../../core/config/sections/honeynet.js';
import type { Persona } from '../persona/persona.js';
import type { HoneypotEventSink } from './event-sink.js';
import type { HoneypotSession } from './honeypot-session.js';
import type { Quarantine } from './quarantine.js';

/** What a service gets when it starts: shared, created once per sensor. */
export interface HoneypotServiceContext {
  sensor: string;
  persona: Persona;
  config: HoneynetConfig;
  /** This service's own settings (`honeynet.services.<name>`). */
  settings: Record<string, unknown>;
  sink: HoneypotEventSink;
  quarantine: Quarantine;
  /** Where asciicast transcripts go, and their cap. */
  recordings: { dir: string; maxBytes: number };
  logger: Logger;
  now(): number;
  /** What the service's `prepare` made for this start (undefined without one). */
  prepared?: unknown;
}

/** What `prepare` sees: the sensor's identity and the service's settings, nothing per process. */
export type PrepareContext = Pick<HoneypotServiceContext, 'persona' | 'settings' | 'now'>;

/** A started service: the runtime hands it every admitted connection. */
export interface ServiceHandler {
  /**
   * Speaks the protocol on one connection. The runtime has already emitted `honeypot.connect` and owns the
   * limits, timers and `honeypot.close`; the handler must never throw, never execute input, never connect out.
   */
  handle(session: HoneypotSession): void;
  /** Extra fields of this connection's `honeypot.connect` (decoys name the port they stand for). */
  connectDetail?(ref: HoneypotRef): Omit<EventPayloads['honeypot.connect'], keyof HoneypotRef>;
  stop(): Promise<void>;
}

/** One module per protocol, listed in the service registry. */
export interface HoneypotService {
  readonly name: string;
  readonly defaultPort: number;
  readonly transport: 'tcp';
  /**
   * Made once per sensor start, before any process starts the service, and handed to every `start` (each
   * worker's too) as `ctx.prepared`: what a real server makes once per start and shows the same on every
   * connection (SQL Server's fallback certificate). Must survive IPC (plain data).
   */
  prepare?(ctx: PrepareContext): Promise<unknown>;
  start(ctx: HoneypotServiceContext): Promise<ServiceHandler>;
}
