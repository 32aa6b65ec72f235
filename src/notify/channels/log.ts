import { bodyText, headline } from '../alert.js';
import type { ChannelType } from '../channel-type.js';
import { SettingsCheck } from '../settings-check.js';

/** Writes alerts to the process log (warn for critical/warning, info otherwise). It runs nothing else. */
export const logChannel = {
  type: 'log',
  description: 'writes the alert to the process log (no settings; runs no commands)',
  secretFields: [],
  validate(settings) {
    new SettingsCheck(settings, 'log').done();
    return {};
  },
  create(_s, deps) {
    const log = deps.logger.child({ component: 'notify' });
    return {
      async send(alert) {
        const level = alert.severity === 'critical' || alert.severity === 'warning' ? 'warn' : 'info';
        log[level](
          {
            alert: { rule: alert.rule, key: alert.key, severity: alert.severity, event_id: alert.event?.id ?? null, suppressed: alert.suppressed, text: bodyText(alert) },
          },
          `alert: ${headline(alert)}`,
        );
        return { detail: `logged at ${level}` };
      },
      async close() {},
    };
  },
} satisfies ChannelType<Record<string, never>>;
