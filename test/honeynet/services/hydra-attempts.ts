/**
 * What a hydra run against a honeypot must leave in the record. Every credential recorded is exactly one hydra
 * was given (no mangling of quotes, `$`, spaces or UTF-8), or '' — hydra's own quirk: a child whose next pair
 * is not ready yet logs in with an empty password and counts that pair as tried. The same quirk means hydra
 * sometimes reports a pair as tried that never reached the wire (seen once in CI for MySQL; 18–20 of 20 for
 * telnet), so one pair of a list may be missing; more than one is our bug. Failures print what was recorded.
 */
import assert from 'node:assert/strict';

export function assertHydraAttempts(recorded: readonly string[], given: readonly string[], detail = ''): void {
  const shown = `recorded ${JSON.stringify(recorded)} ${detail}`;
  for (const r of recorded) assert.ok(r === '' || given.includes(r), `a credential hydra was not given: ${JSON.stringify(r)}; ${shown}`);
  const missing = given.filter((p) => !recorded.includes(p));
  assert.ok(missing.length <= 1, `not recorded: ${JSON.stringify(missing)}; ${shown}`);
}
