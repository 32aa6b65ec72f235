/**
 * The built-in rules, in the rules-file format. A rules file adds to them (a rule with the same name replaces
 * the built-in one), or replaces them all with `defaults: false`.
 */
export const DEFAULT_RULES: ReadonlyArray<Record<string, unknown>> = [
  { name: 'port-scan', type: 'port_scan', severity: 'medium', threshold: 10, window: '1m' },
  { name: 'decoy-scan', type: 'port_scan', severity: 'medium', decoysOnly: true, threshold: 5, window: '1m' },
  { name: 'brute-force', type: 'brute_force', severity: 'high', threshold: 10, window: '1m' },
  { name: 'credential-stuffing', type: 'credential_stuffing', severity: 'high', threshold: 10, window: '10m' },
  { name: 'honeypot-login', type: 'login_success', severity: 'high' },
  { name: 'malicious-command', type: 'command_pattern', severity: 'high' },
  { name: 'file-upload', type: 'file_upload', severity: 'high' },
  { name: 'canary-use', type: 'canary_use', severity: 'critical' },
  { name: 'high-score', type: 'score_threshold', severity: 'medium', threshold: 100 },
];
