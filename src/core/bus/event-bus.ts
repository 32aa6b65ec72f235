import type { AnyEvent, EventType } from '../events.js';

/** A handler receives a batch; resolving acknowledges the whole batch, throwing asks for redelivery. */
export type BatchHandler = (events: AnyEvent[]) => Promise<void> | void;

export interface SubscribeOptions {
  /** Durable name of the consumer (one name = one cursor; on NATS the durable consumer). */
  name: string;
  /** Only these types (exact, or a `prefix.*` wildcard); all when omitted. */
  types?: Array<EventType | `${string}.*`>;
  /** Largest batch handed to the handler. */
  maxBatch?: number;
}

export interface Subscription {
  readonly name: string;
  unsubscribe(): Promise<void>;
}

export interface BusStats {
  /** Events published and not yet acknowledged by every subscriber. */
  queueDepth: number;
  published: number;
  delivered: number;
  redelivered: number;
  dropped: number;
}

/**
 * The one bus interface. Implementations: in-process (`memory-bus.ts`, embedded) and NATS JetStream (fleet).
 * `publish` resolves once the events are accepted (queued in memory, or stored by JetStream): that is the
 * producer's acknowledgement. It applies backpressure: it waits while subscribers are too far behind.
 */
export interface EventBus {
  readonly kind: string;
  publish(events: readonly AnyEvent[]): Promise<void>;
  subscribe(opts: SubscribeOptions, handler: BatchHandler): Subscription;
  stats(): BusStats;
  /** Resolves when every published event has been handled by every subscriber. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export function typeMatcher(types: SubscribeOptions['types']): (type: string) => boolean {
  if (!types || types.length === 0) return () => true;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const t of types) {
    if (t.endsWith('.*')) prefixes.push(t.slice(0, -1));
    else exact.add(t);
  }
  return (type) => exact.has(type) || prefixes.some((p) => type.startsWith(p));
}
