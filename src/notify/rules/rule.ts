import type { AnyEvent, DeviceRef } from '../../core/events.js';
import type { AlertDraft } from '../alert.js';

/** What a rule may look up while mapping an event. */
export interface RuleContext {
  /** The tags of a health check (empty when it is gone). */
  checkTags(checkId: string): Promise<string[]>;
  /** Whether a device is listed in `notify.trackedDevices`. */
  isTracked(device: DeviceRef): boolean;
}

/**
 * An alert rule: turns events of some types into alerts (key, severity, title, text). Rules are registered in a
 * `RuleRegistry`; a later area adds its own (`registry.register(honeypotLoginRule)`) without touching this code.
 * `notify.rules.<id>.enabled` / `.throttleMinutes` override the defaults below.
 */
export interface AlertRule {
  /** Lower-case kebab id, the key under `notify.rules`. */
  readonly id: string;
  readonly description: string;
  /** The event types it reads. */
  readonly events: readonly string[];
  /** Throttle window when `notify.rules.<id>.throttleMinutes` is not set (else `notify.throttleMinutes`). */
  readonly defaultThrottleMinutes?: number;
  /** Whether the rule is on when the config says nothing (default true). */
  readonly defaultEnabled?: boolean;
  /** Zero or more alerts for one event; never throws for an event it does not care about. */
  map(event: AnyEvent, ctx: RuleContext): AlertDraft[] | Promise<AlertDraft[]>;
}

/** The rules known to a process, by id and by the event types they read. */
export class RuleRegistry {
  private readonly byId = new Map<string, AlertRule>();

  constructor(rules: readonly AlertRule[] = []) {
    for (const r of rules) this.register(r);
  }

  register(rule: AlertRule): void {
    if (!/^[a-z][a-z0-9-]{0,63}$/.test(rule.id)) throw new Error(`alert rule id "${rule.id}" must be lower-case kebab-case`);
    if (this.byId.has(rule.id)) throw new Error(`alert rule "${rule.id}" is registered twice`);
    this.byId.set(rule.id, rule);
  }

  get(id: string): AlertRule | undefined {
    return this.byId.get(id);
  }

  list(): AlertRule[] {
    return [...this.byId.values()];
  }

  forEvent(type: string): AlertRule[] {
    return this.list().filter((r) => r.events.includes(type));
  }
}

/** `web-1 (http https://web-1/health)` for texts; a device as `printer.lan (10.0.0.7)`. */
export function deviceLabel(d: DeviceRef): string {
  return d.hostname ? `${d.hostname} (${d.ip})` : d.ip;
}
