/**
 * The messages between the sensor (primary) and its worker processes, over the IPC channel of
 * `child_process.fork`. The primary owns the listening sockets, the connection limits and the event log; a
 * worker owns the protocol code: it gets each admitted connection as a socket handle and never binds anything.
 */
import type { LnmtConfig } from '../../core/config/schema.js';
import type { AnyEvent, HoneypotRef } from '../../core/events.js';
import type { Persona } from '../persona/persona.js';
import type { PreparedServices } from '../runtime/start-service.js';

export type ToWorker =
  /** First message: everything the worker needs to start its service handlers (it reads no config file). */
  | { t: 'init'; config: LnmtConfig; persona: Persona; prepared: PreparedServices; cwd: string; index: number }
  /** An admitted connection (the socket is the message's handle); `id` is its session id. */
  | { t: 'conn'; service: string; id: string; ref: HoneypotRef }
  /** Close every session, flush the events, answer `stopped`, exit. */
  | { t: 'stop' };

export type FromWorker =
  | { t: 'ready'; services: string[] }
  | { t: 'failed'; error: string }
  /** Events made by the worker's sessions, in order (the primary logs and publishes them). */
  | { t: 'events'; events: AnyEvent[] }
  /** A session ended: the primary gives its admission back. */
  | { t: 'closed'; id: string }
  | { t: 'stopped' };
