import { certExpiringRule } from './cert-expiring.js';
import { checkFlappingRule, checkStateRule } from './check-state.js';
import { deviceStateRule } from './device-state.js';
import { jobFailedRule } from './job-failed.js';
import { newDeviceRule } from './new-device.js';
import { RuleRegistry, type AlertRule } from './rule.js';

/** The rules this release ships; later areas register theirs on `ctx.notify.rules`. */
export const BUILTIN_RULES: readonly AlertRule[] = [checkStateRule, checkFlappingRule, deviceStateRule, newDeviceRule, certExpiringRule, jobFailedRule];

export function builtinRules(): RuleRegistry {
  return new RuleRegistry(BUILTIN_RULES);
}
