/**
 * `lnmt config check|show`, and the promise behind them: a bad config value names the key, the value and what
 * is allowed, exits 2, and leaves the data directory untouched, whatever command was run.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ESC, TempDirs, ensureBuilt, lnmt } from './helpers.js';

const dirs = new TempDirs();
before(() => ensureBuilt());
after(() => dirs.cleanup());

describe('lnmt config check', () => {
  it('with nothing configured: OK, no file, exit 0, nothing created', async () => {
    const cwd = dirs.make();
    const r = await lnmt(['config', 'check'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^OK: configuration is valid$/m);
    assert.match(r.stdout, /^file: +none/m);
    assert.match(r.stdout, /^env: +none$/m);
    assert.match(r.stdout, new RegExp(`^data dir: +${join(cwd, 'lnmt-data')}$`, 'm'));
    assert.doesNotMatch(r.stdout, ESC);
    assert.deepEqual(readdirSync(cwd), []);
  });

  it('names the file, the env variables and the flags that were used', async () => {
    const cwd = dirs.make();
    writeFileSync(join(cwd, 'lnmt.yaml'), 'api:\n  port: 9100\n');
    const r = await lnmt(['config', 'check', '--data-dir', 'store-here'], { cwd, env: { LNMT_SCANNER__RETRIES: '3' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^file: +${join(cwd, 'lnmt.yaml')}$`, 'm'));
    assert.match(r.stdout, /^env: +LNMT_SCANNER__RETRIES$/m);
    assert.match(r.stdout, /^flags: +--data-dir$/m);
    const j = await lnmt(['config', 'check', '--json', '--data-dir', 'store-here'], { cwd, env: { LNMT_SCANNER__RETRIES: '3' } });
    assert.equal(j.code, 0);
    const body = JSON.parse(j.stdout);
    assert.equal(body.ok, true);
    assert.equal(body.file, join(cwd, 'lnmt.yaml'));
    assert.deepEqual(body.env, ['LNMT_SCANNER__RETRIES']);
    assert.deepEqual(body.flags, ['--data-dir']);
    assert.equal(body.sources['api.port'], join(cwd, 'lnmt.yaml'));
    assert.equal(body.data_dir, join(cwd, 'store-here'));
  });

  it('--config and LNMT_CONFIG select another file; a missing one is an error naming where it came from', async () => {
    const cwd = dirs.make();
    writeFileSync(join(cwd, 'site.yaml'), 'api:\n  port: 9200\n');
    const ok = await lnmt(['--config', 'site.yaml', 'config', 'show', '--json'], { cwd });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).api.port, 9200);
    const env = await lnmt(['config', 'show', '--json'], { cwd, env: { LNMT_CONFIG: 'site.yaml' } });
    assert.equal(JSON.parse(env.stdout).api.port, 9200);
    const missing = await lnmt(['config', 'check', '-c', 'nope.yaml'], { cwd });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /config file not found/);
    assert.match(missing.stderr, /--config: file does not exist; got "nope.yaml"/);
  });

  it('every problem of an invalid config, each with key, source, value and allowed values; exit 2', async () => {
    const cwd = dirs.make();
    writeFileSync(join(cwd, 'lnmt.yaml'), 'api:\n  port: 0\n  prot: 1\nscanner:\n  icmp: maybe\nlog:\n  level: loud\n');
    const r = await lnmt(['config', 'check'], { cwd, env: { LNMT_SCANNER__TIMEOUT_MS: '-1' } });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    const file = join(cwd, 'lnmt.yaml');
    assert.match(r.stderr, /^error: configuration is invalid \(5 problems\) \[LNMT_ERR_CONFIG\]$/m);
    assert.ok(r.stderr.includes(`api.port (from ${file}): invalid value; got 0; allowed: an integer from 1 to 65535`), r.stderr);
    assert.ok(r.stderr.includes(`api.prot (from ${file}): unknown key; got 1; allowed: keys of api: host, port`), r.stderr);
    assert.ok(r.stderr.includes(`scanner.icmp (from ${file}): invalid value; got "maybe"; allowed: one of "auto", "on", "off"`), r.stderr);
    assert.ok(r.stderr.includes(`log.level (from ${file}): invalid value; got "loud"; allowed: one of "fatal", "error"`), r.stderr);
    assert.ok(r.stderr.includes('scanner.timeoutMs (from env LNMT_SCANNER__TIMEOUT_MS): invalid value; got -1; allowed: an integer from 50 to 60000'), r.stderr);
    assert.doesNotMatch(r.stderr, ESC);
  });

  it('checks what serve would refuse at start-up: response allowlist entries and the threat rules file (file:line, key)', async () => {
    const cwd = dirs.make();
    writeFileSync(join(cwd, 'lnmt.yaml'), 'response:\n  allowlist: ["10.0.0.0/8", "10.0.0.0/33"]\n');
    let r = await lnmt(['config', 'check'], { cwd });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes('response.allowlist[1]: not an IP address or CIDR; got "10.0.0.0/33"'), r.stderr);
    writeFileSync(join(cwd, 'lnmt.yaml'), 'threat:\n  rulesFile: rules.yaml\n');
    writeFileSync(join(cwd, 'rules.yaml'), 'rules:\n  - name: strict\n    type: brute_force\n    threshold: 0\n');
    r = await lnmt(['config', 'check'], { cwd });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /invalid threat rules file rules\.yaml \(1 problem\)/);
    assert.ok(r.stderr.includes(`${join(cwd, 'rules.yaml')}:4 rules[0].threshold: must be an integer`), r.stderr);
    writeFileSync(join(cwd, 'rules.yaml'), 'rules:\n  - name: strict\n    type: brute_force\n    threshold: 3\n');
    r = await lnmt(['config', 'check'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    writeFileSync(join(cwd, 'lnmt.yaml'), 'threat:\n  geoip:\n    files: [ip2asn-v4.tsv]\n');
    r = await lnmt(['config', 'check'], { cwd });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /threat\.geoip\.files\[0\]/);
    writeFileSync(join(cwd, 'ip2asn-v4.tsv'), '1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET\n');
    r = await lnmt(['config', 'check'], { cwd });
    assert.equal(r.code, 0, r.stderr);
  });

  it('bad YAML is reported with file, line and column', async () => {
    const cwd = dirs.make();
    writeFileSync(join(cwd, 'lnmt.yaml'), 'api:\n  port: 9000\n   host: x\n');
    const r = await lnmt(['config', 'check'], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is not valid YAML \[LNMT_ERR_CONFIG\]/);
    assert.ok(r.stderr.includes(`${join(cwd, 'lnmt.yaml')}:2:`) || r.stderr.includes(`${join(cwd, 'lnmt.yaml')}:3:`), r.stderr);
  });

  it('unknown LNMT_* variables are errors', async () => {
    const r = await lnmt(['config', 'check'], { cwd: dirs.make(), env: { LNMT_API__PROT: '1' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /env LNMT_API__PROT: unknown setting \(its value is not shown: it may be a secret\); allowed: LNMT_<KEY>/);
    assert.doesNotMatch(r.stderr, /got "1"/);
  });

  it('global flags are config keys: --log-level → log.level, --data-dir → dataDir', async () => {
    const cwd = dirs.make();
    const bad = await lnmt(['config', 'check', '--log-level', 'loud'], { cwd });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /log\.level \(from flag --log-level\): invalid value; got "loud"; allowed: one of/);
    const show = await lnmt(['config', 'show', '--json', '--data-dir', '/srv/lnmt', '--log-level', 'debug'], { cwd });
    const c = JSON.parse(show.stdout);
    assert.equal(c.dataDir, '/srv/lnmt');
    assert.equal(c.log.level, 'debug');
  });
});

describe('lnmt config show', () => {
  const secretUrl = 'postgres://lnmt:TopSecret99@db.internal:5432/lnmt';

  it('prints the effective config as YAML with secrets masked', async () => {
    const cwd = dirs.make();
    const r = await lnmt(['config', 'show'], { cwd, env: { LNMT_API__PORT: '9300', LNMT_STORE__POSTGRES__URL: secretUrl } });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /TopSecret99/);
    assert.doesNotMatch(r.stderr, /TopSecret99/);
    assert.doesNotMatch(r.stdout, ESC);
    const c = parse(r.stdout);
    assert.equal(c.api.port, 9300);
    assert.equal(c.store.postgres.url, 'postgres://lnmt:***@db.internal:5432/lnmt');
    assert.equal(c.dataDir, './lnmt-data');
    assert.deepEqual(Object.keys(c), ['node', 'dataDir', 'log', 'store', 'api', 'scanner', 'monitor', 'scheduler', 'notify', 'honeynet', 'threat', 'response']);
    // The sections whose defaults live with their code are shown filled in, as serve runs them.
    assert.equal(c.threat.halfLifeMs, 21_600_000);
    assert.equal(c.response.defaultDuration, '4h');
    assert.deepEqual(c.response.policy, [{ minSeverity: 'high', action: 'ban' }]);
    assert.equal(c.response.enforce.enabled, false);
    assert.deepEqual(readdirSync(cwd), []);
  });

  it('a configured threat/response key shows with the rest of its section still filled in', async () => {
    const cwd = dirs.make();
    writeFileSync(join(cwd, 'lnmt.yaml'), 'threat:\n  halfLifeMs: 60000\nresponse:\n  escalation:\n    multiplier: 3\n');
    const r = await lnmt(['config', 'show', '--json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout);
    assert.equal(c.threat.halfLifeMs, 60_000);
    assert.equal(c.threat.maxBatch, 5000);
    assert.deepEqual(c.response.escalation, { multiplier: 3, lookback: '7d', maxDuration: '30d' });
  });

  it('--json prints the same, as JSON', async () => {
    const r = await lnmt(['config', 'show', '--json'], { cwd: dirs.make(), env: { LNMT_STORE__POSTGRES__URL: secretUrl } });
    assert.equal(r.code, 0);
    const c = JSON.parse(r.stdout);
    assert.equal(c.store.postgres.url, 'postgres://lnmt:***@db.internal:5432/lnmt');
    assert.equal(c.api.port, 8088);
  });

  it('an invalid secret is not echoed in the error either', async () => {
    const r = await lnmt(['config', 'check'], { cwd: dirs.make(), env: { LNMT_STORE__POSTGRES__URL: 'mysql://root:hunter2@db/x' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /store\.postgres\.url/);
    assert.doesNotMatch(r.stderr, /hunter2/);
  });
});

describe('a bad config stops every command before the data directory is touched', () => {
  const commands: string[][] = [
    ['devices', 'list'],
    ['devices', 'add', '10.0.0.1'],
    ['devices', 'export'],
    ['scan', '127.0.0.1'],
    ['status'],
    ['token', 'create', '--role', 'admin'],
    ['token', 'list'],
    ['serve'],
  ];

  for (const args of commands) {
    it(`LNMT_API__PORT=99999 lnmt ${args.join(' ')}`, async () => {
      const cwd = dirs.make();
      const r = await lnmt(args, { cwd, env: { LNMT_API__PORT: '99999' } });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /api\.port \(from env LNMT_API__PORT\): invalid value; got 99999; allowed: an integer from 1 to 65535/);
      assert.equal(existsSync(join(cwd, 'lnmt-data')), false, 'data dir must not exist');
      assert.deepEqual(readdirSync(cwd), []);
    });
  }

  it('bad YAML: lnmt devices list and lnmt serve create nothing', async () => {
    for (const args of [['devices', 'list'], ['serve']]) {
      const cwd = dirs.make();
      writeFileSync(join(cwd, 'lnmt.yaml'), 'dataDir: ./data\nstore: [unclosed\n');
      const r = await lnmt(args, { cwd });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /not valid YAML/);
      assert.deepEqual(readdirSync(cwd), ['lnmt.yaml']);
    }
  });

  it('a bad flag value mapped to a config key: lnmt serve --port 70000', async () => {
    const cwd = dirs.make();
    const r = await lnmt(['serve', '--port', '70000'], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /api\.port \(from flag --port\): invalid value; got 70000; allowed: an integer from 1 to 65535/);
    assert.deepEqual(readdirSync(cwd), []);
  });

  it('an explicit --data-dir is not created either', async () => {
    const cwd = dirs.make();
    const r = await lnmt(['devices', 'list', '--data-dir', 'mine'], { cwd, env: { LNMT_SCANNER__ICMP: 'sometimes' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /scanner\.icmp/);
    assert.equal(existsSync(join(cwd, 'mine')), false);
  });
});
