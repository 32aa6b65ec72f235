import type { AlertRule } from './rule.js';

/**
 * A TLS certificate seen by an HTTPS check expires soon. The monitor reports it on every run, so the default
 * throttle is one alert per certificate per day.
 */
export const certExpiringRule: AlertRule = {
  id: 'cert-expiring',
  description: 'the TLS certificate of an HTTPS check expires within its warning threshold',
  events: ['check.cert_expiring'],
  defaultThrottleMinutes: 1440,
  async map(event, ctx) {
    if (event.type !== 'check.cert_expiring') return [];
    const { check, days_left, not_after, subject, issuer, threshold_days } = event.data;
    const expired = days_left <= 0;
    const when = expired ? 'has EXPIRED' : `expires in ${days_left} day${days_left === 1 ? '' : 's'}`;
    return [
      {
        key: `cert:${check.id}`,
        severity: expired ? 'critical' : 'warning',
        title: `TLS certificate of ${check.target} ${when}`,
        text: `The certificate of ${check.target} (check ${check.name}) ${when}: not after ${not_after}; subject ${subject}; issuer ${issuer}. Warning threshold: ${threshold_days} days.`,
        check,
        tags: await ctx.checkTags(check.id),
        fields: { 'days left': String(days_left), 'not after': not_after, subject, issuer },
      },
    ];
  },
};
