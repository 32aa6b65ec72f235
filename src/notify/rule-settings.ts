import type { NotifyConfig } from '../core/config/sections/notify.js';
import { LnmtError, type ErrorDetail } from '../core/errors.js';
import type { AlertRule, RuleRegistry } from './rules/rule.js';

/** A rule's effective settings: config override, else the rule's default, else `notify.throttleMinutes`. */
export interface RuleSettings {
  enabled: boolean;
  throttleMinutes: number;
}

export function ruleSettings(rule: AlertRule, config: NotifyConfig): RuleSettings {
  const o = Object.hasOwn(config.rules, rule.id) ? config.rules[rule.id] : undefined;
  return {
    enabled: o?.enabled ?? rule.defaultEnabled ?? true,
    throttleMinutes: o?.throttleMinutes ?? rule.defaultThrottleMinutes ?? config.throttleMinutes,
  };
}

/** `notify.rules.<id>` must name a registered rule: a typo would otherwise silently change nothing. */
export function checkRuleOverrides(rules: RuleRegistry, config: NotifyConfig): void {
  const details: ErrorDetail[] = Object.keys(config.rules)
    .filter((id) => !rules.get(id))
    .map((id) => ({ where: `notify.rules.${id}`, message: 'unknown alert rule', allowed: `one of ${rules.list().map((r) => r.id).join(', ')}` }));
  if (details.length > 0) throw new LnmtError('LNMT_ERR_CONFIG', `unknown alert rule${details.length > 1 ? 's' : ''} in notify.rules`, { details });
}
