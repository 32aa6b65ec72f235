import type { RuleType } from './rule-type.js';
import { bruteForceRule } from './types/brute-force.js';
import { canaryUseRule } from './types/canary-use.js';
import { commandPatternRule } from './types/command-pattern.js';
import { credentialStuffingRule } from './types/credential-stuffing.js';
import { fileUploadRule } from './types/file-upload.js';
import { loginSuccessRule } from './types/login-success.js';
import { portScanRule } from './types/port-scan.js';
import { scoreThresholdRule } from './types/score-threshold.js';

/** The one registry of detection rule types: a new type is one file under `types/`, listed here. */
export const RULE_TYPES: ReadonlyMap<string, RuleType> = new Map<string, RuleType>(
  [portScanRule, bruteForceRule, credentialStuffingRule, loginSuccessRule, commandPatternRule, fileUploadRule, canaryUseRule, scoreThresholdRule].map((t) => [t.name, t]),
);
