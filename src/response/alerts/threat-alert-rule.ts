import type { Severity } from '../../core/config/sections/notify.js';
import type { AlertDraft } from '../../notify/alert.js';
import type { AlertRule } from '../../notify/rules/rule.js';
import type { ThreatSeverity } from '../decision.js';

/** Detection severities onto the notifiers' scale (channels filter with `minSeverity`). */
const SEVERITY: Record<ThreatSeverity, Severity> = { low: 'info', medium: 'notice', high: 'warning', critical: 'critical' };

/**
 * A detection rule fired. The key is attacker + rule, so the notifier's throttle sends the first detection of
 * a pair and holds the rest of a window back, counting them; the count arrives as a summary when the window
 * ends (or with the next alert). An internal host (a device of our inventory) is named with what we know of it.
 */
export const threatAlertRule: AlertRule = {
  id: 'threat-detected',
  description: 'a detection rule fired for a source (one alert per attacker and rule per throttle window; suppressed ones summarised)',
  events: ['threat.detected'],
  defaultThrottleMinutes: 60,
  map(event) {
    if (event.type !== 'threat.detected') return [];
    const d = event.data;
    const fields: Record<string, string> = { source: d.src_ip, rule: d.rule, severity: d.severity, score: d.score.toFixed(1), sensors: d.sensors.join(', ') || '-' };
    let who = d.src_ip;
    let internal = '';
    if (d.device) {
      const dev = d.device;
      who = dev.hostname ? `${dev.hostname} (${d.src_ip})` : d.src_ip;
      fields.device = [dev.hostname, dev.mac, dev.vendor].filter(Boolean).join(', ') || `#${dev.id}`;
      internal = `\nINTERNAL HOST: ${who} is device #${dev.id} of the inventory${dev.mac ? `, MAC ${dev.mac}` : ''}${dev.vendor ? ` (${dev.vendor})` : ''}${dev.first_seen ? `, first seen ${dev.first_seen}` : ''}.`;
    }
    const draft: AlertDraft = {
      key: `threat:${d.src_ip}:${d.rule}`,
      severity: d.device ? 'critical' : SEVERITY[d.severity],
      title: `${d.device ? 'Internal host ' : ''}${who}: ${d.rule} (${d.severity})`,
      text: `${d.summary}${internal}\nScore ${d.score.toFixed(1)}; evidence: ${d.evidence.length} event(s).`,
      device: d.device ? { id: d.device.id, ip: d.device.ip, mac: d.device.mac, vendor: d.device.vendor, hostname: d.device.hostname } : null,
      tags: ['threat', `rule:${d.rule}`],
      fields,
    };
    return [draft];
  },
};

/** A decision was made (ban or tag): one alert per target per throttle window. */
export const decisionAlertRule: AlertRule = {
  id: 'decision-added',
  description: 'a source or network was banned or tagged (by a rule or by hand)',
  events: ['decision.added'],
  defaultThrottleMinutes: 60,
  map(event) {
    if (event.type !== 'decision.added') return [];
    const d = event.data;
    const until = d.expires_at ? `until ${d.expires_at}` : 'permanently';
    return [
      {
        key: `decision:${d.target}:${d.action}`,
        severity: d.action === 'ban' ? 'notice' : 'info',
        title: `${d.action === 'ban' ? 'Banned' : 'Tagged'} ${d.target} ${until}`,
        text: `${d.action === 'ban' ? 'Banned' : 'Tagged'} ${d.target} ${until} (${d.origin}${d.rule ? ` rule ${d.rule}` : ''}${d.escalation > 0 ? `, repeat offender: ${d.escalation} earlier ban(s)` : ''}): ${d.reason}`,
        tags: ['decision'],
        fields: { target: d.target, action: d.action, origin: d.origin, expires: d.expires_at ?? 'never' },
      },
    ];
  },
};
