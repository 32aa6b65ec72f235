/**
 * The config loader: defaults, then the YAML file, then LNMT_* env, then flags; every problem reported together,
 * each naming the key, where it came from, the value and what is allowed. Secrets are masked in output and errors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultConfig } from '../../src/core/config/defaults.js';
import { loadConfig, maskSecrets, type ConfigInput } from '../../src/core/config/load-config.js';
import { formatError, LnmtError, type ErrorDetail } from '../../src/core/errors.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lnmt-config-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh working directory per test, optionally with ./lnmt.yaml. */
function cwdWith(yaml?: string): string {
  const d = mkdtempSync(join(dir, 'cwd-'));
  if (yaml !== undefined) writeFileSync(join(d, 'lnmt.yaml'), yaml);
  return d;
}

function configError(input: ConfigInput): LnmtError {
  try {
    loadConfig(input);
  } catch (err) {
    assert.ok(err instanceof LnmtError, `expected LnmtError, got ${String(err)}`);
    assert.equal(err.code, 'LNMT_ERR_CONFIG');
    return err;
  }
  assert.fail('loadConfig should have thrown');
}

function detail(err: LnmtError, wherePrefix: string): ErrorDetail {
  const d = err.details.find((x) => x.where.startsWith(wherePrefix));
  assert.ok(d, `no detail for ${wherePrefix} in ${JSON.stringify(err.details)}`);
  return d;
}

describe('config defaults', () => {
  it('without file, env or flags gives the embedded defaults', () => {
    const { config, file, sources } = loadConfig({ env: {}, cwd: cwdWith() });
    assert.deepEqual(config, defaultConfig());
    assert.equal(file, null);
    assert.deepEqual(sources, {});
    assert.equal(config.dataDir, './lnmt-data');
    assert.equal(config.api.host, '127.0.0.1');
    assert.equal(config.api.port, 8088);
    assert.equal(config.store.driver, 'sqlite');
    assert.equal(config.scanner.maxAddresses, 65536);
  });

  it('the defaults themselves are valid and a node name is always set', () => {
    const c = defaultConfig();
    assert.match(c.node.name, /^[A-Za-z0-9._-]{1,64}$/);
  });
});

describe('config sources and precedence', () => {
  it('reads ./lnmt.yaml from the working directory', () => {
    const cwd = cwdWith('api:\n  port: 9000\nscanner:\n  tcpPorts: [22, 443]\n');
    const { config, file, sources } = loadConfig({ env: {}, cwd });
    assert.equal(file, join(cwd, 'lnmt.yaml'));
    assert.equal(config.api.port, 9000);
    assert.deepEqual(config.scanner.tcpPorts, [22, 443]);
    assert.equal(sources['api.port'], file);
    assert.equal(config.api.host, '127.0.0.1', 'unset keys keep their defaults');
  });

  it('an explicit file (flag, then LNMT_CONFIG) wins over ./lnmt.yaml', () => {
    const cwd = cwdWith('api:\n  port: 9000\n');
    writeFileSync(join(cwd, 'other.yaml'), 'api:\n  port: 9100\n');
    writeFileSync(join(cwd, 'env.yaml'), 'api:\n  port: 9200\n');
    assert.equal(loadConfig({ file: 'other.yaml', env: { LNMT_CONFIG: 'env.yaml' }, cwd }).config.api.port, 9100);
    assert.equal(loadConfig({ env: { LNMT_CONFIG: 'env.yaml' }, cwd }).config.api.port, 9200);
  });

  it('precedence is defaults < file < env < flags, and sources say where each value came from', () => {
    const cwd = cwdWith('api:\n  port: 9000\n  host: 0.0.0.0\nlog:\n  level: debug\n');
    const env = { LNMT_API__PORT: '9001', LNMT_LOG__LEVEL: 'warn' };
    const flags = [{ key: 'api.port', value: '9002', flag: '--port' }];
    const r = loadConfig({ env, flags, cwd });
    assert.equal(r.config.api.port, 9002);
    assert.equal(r.config.log.level, 'warn');
    assert.equal(r.config.api.host, '0.0.0.0');
    assert.equal(r.sources['api.port'], 'flag --port');
    assert.equal(r.sources['log.level'], 'env LNMT_LOG__LEVEL');
    assert.equal(r.sources['api.host'], join(cwd, 'lnmt.yaml'));
    assert.equal(loadConfig({ env, cwd }).config.api.port, 9001);
  });

  it('env names map onto camelCase keys and are coerced to the schema type', () => {
    const { config } = loadConfig({
      cwd: cwdWith(),
      env: {
        LNMT_DATA_DIR: '/var/lib/lnmt',
        LNMT_SCANNER__TIMEOUT_MS: '900',
        LNMT_SCANNER__TCP_PORTS: '22, 80,443',
        LNMT_SCANNER__REVERSE_DNS: 'no',
        LNMT_API__TRUST_PROXY: 'true',
        LNMT_STORE__SQLITE__CACHE_SIZE_MB: '8',
      },
    });
    assert.equal(config.dataDir, '/var/lib/lnmt');
    assert.equal(config.scanner.timeoutMs, 900);
    assert.deepEqual(config.scanner.tcpPorts, [22, 80, 443]);
    assert.equal(config.scanner.reverseDns, false);
    assert.equal(config.api.trustProxy, true);
    assert.equal(config.store.sqlite.cacheSizeMb, 8);
  });

  it('ignores LNMT_* variables that are not settings (client-side ones) and non-LNMT variables', () => {
    const { config } = loadConfig({ cwd: cwdWith(), env: { LNMT_TOKEN: 'x', LNMT_URL: 'http://h', PATH: '/bin', HOME: '/root' } });
    assert.deepEqual(config, defaultConfig());
  });

  it('flags may carry typed values (booleans, lists) as well as strings', () => {
    const { config } = loadConfig({
      cwd: cwdWith(),
      env: {},
      flags: [
        { key: 'scanner.reverseDns', value: false, flag: '--no-dns' },
        { key: 'scanner.tcpPorts', value: [1, 2], flag: '--ports' },
        { key: 'scanner.icmp', value: 'off', flag: '--no-icmp' },
      ],
    });
    assert.equal(config.scanner.reverseDns, false);
    assert.deepEqual(config.scanner.tcpPorts, [1, 2]);
    assert.equal(config.scanner.icmp, 'off');
  });

  it('an empty YAML file is the same as no file', () => {
    const { config } = loadConfig({ env: {}, cwd: cwdWith('# nothing here\n') });
    assert.deepEqual(config, defaultConfig());
  });

  it('loading touches nothing on disk (the data dir is not created)', async () => {
    const cwd = cwdWith();
    loadConfig({ env: { LNMT_DATA_DIR: join(cwd, 'data') }, cwd });
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(join(cwd, 'data')), false);
  });
});

describe('config errors name the key, the value, its source and what is allowed', () => {
  it('integer out of range (env)', () => {
    const err = configError({ cwd: cwdWith(), env: { LNMT_API__PORT: '99999' } });
    const d = detail(err, 'api.port');
    assert.equal(d.where, 'api.port (from env LNMT_API__PORT)');
    assert.equal(d.value, 99999);
    assert.equal(d.allowed, 'an integer from 1 to 65535');
  });

  it('not a number at all (flag)', () => {
    const err = configError({ cwd: cwdWith(), env: {}, flags: [{ key: 'scanner.timeoutMs', value: 'soon', flag: '--timeout' }] });
    const d = detail(err, 'scanner.timeoutMs');
    assert.equal(d.where, 'scanner.timeoutMs (from flag --timeout)');
    assert.equal(d.value, 'soon');
    assert.equal(d.allowed, 'an integer from 50 to 60000');
  });

  it('a value outside an enumeration lists the choices', () => {
    const err = configError({ cwd: cwdWith('log:\n  level: loud\nstore:\n  driver: mysql\n'), env: {} });
    assert.equal(detail(err, 'log.level').allowed, 'one of "fatal", "error", "warn", "info", "debug", "trace", "silent"');
    assert.equal(detail(err, 'store.driver').allowed, 'one of "sqlite", "postgres"');
    assert.equal(detail(err, 'store.driver').value, 'mysql');
  });

  it('a string against its pattern and length', () => {
    const err = configError({ cwd: cwdWith(), env: { LNMT_NODE__NAME: 'bad name!' } });
    const d = detail(err, 'node.name');
    assert.match(d.allowed ?? '', /a string .*matching/);
    const empty = configError({ cwd: cwdWith(), env: { LNMT_DATA_DIR: '' } });
    assert.match(detail(empty, 'dataDir').allowed ?? '', /at least 1 character/);
  });

  it('a boolean that is not one', () => {
    const err = configError({ cwd: cwdWith(), env: { LNMT_SCANNER__NEIGHBOURS: 'perhaps' } });
    assert.equal(detail(err, 'scanner.neighbours').allowed, 'true or false');
  });

  it('a bad list item names its index; a list too long names the limit', () => {
    const err = configError({ cwd: cwdWith(), env: { LNMT_SCANNER__TCP_PORTS: '22,http,70000' } });
    const item = detail(err, 'scanner.tcpPorts.1');
    assert.equal(item.value, 'http');
    assert.equal(item.where, 'scanner.tcpPorts.1 (from env LNMT_SCANNER__TCP_PORTS)');
    assert.equal(detail(err, 'scanner.tcpPorts.2').value, 70000);
    const ports = Array.from({ length: 65 }, (_, i) => i + 1).join(',');
    const long = configError({ cwd: cwdWith(), env: { LNMT_SCANNER__TCP_PORTS: ports } });
    assert.match(detail(long, 'scanner.tcpPorts').allowed ?? '', /at most 64/);
  });

  it('a mapping where a value is expected, and a value where a mapping is expected', () => {
    const err = configError({ cwd: cwdWith('api: 8088\n'), env: {} });
    assert.match(detail(err, 'api').allowed ?? '', /a mapping with keys: host, port/);
  });

  it('unknown keys in the file name the key and the keys allowed at that level', () => {
    const err = configError({ cwd: cwdWith('api:\n  prot: 9000\nscaner:\n  retries: 1\n'), env: {} });
    const nested = detail(err, 'api.prot');
    assert.equal(nested.message, 'unknown key');
    assert.match(nested.allowed ?? '', /keys of api: host, port, trustProxy/);
    const top = detail(err, 'scaner');
    assert.match(top.allowed ?? '', /keys of the top level: .*scanner/);
  });

  it('unknown LNMT_* variables are errors (a typo never silently does nothing)', () => {
    const err = configError({ cwd: cwdWith(), env: { LNMT_API__PROT: '9000' } });
    const d = detail(err, 'env LNMT_API__PROT');
    assert.match(d.message, /^unknown setting/);
    assert.equal(d.value, undefined, 'the value is not echoed: an unknown variable may hold a secret');
    assert.match(d.allowed ?? '', /__ between levels/);
  });

  it('reports every problem at once', () => {
    const err = configError({ cwd: cwdWith('api:\n  port: 0\n'), env: { LNMT_SCANNER__RETRIES: '99', LNMT_LOG__LEVEL: 'x' } });
    assert.equal(err.details.length, 3);
    assert.match(err.message, /3 problems/);
  });

  it('bad YAML names the file with line and column', () => {
    const cwd = cwdWith('api:\n  port: 80\n   host: x\n');
    const err = configError({ cwd, env: {} });
    assert.match(err.message, /not valid YAML/);
    assert.ok(err.details.length > 0);
    for (const d of err.details) assert.match(d.where, new RegExp(`^${join(cwd, 'lnmt.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+$`));
    assert.match(err.details[0]!.where, /:[23]:\d+$/, 'the line of the bad indentation');
  });

  it('a file whose top level is not a mapping', () => {
    const err = configError({ cwd: cwdWith('- a\n- b\n'), env: {} });
    assert.match(err.message, /must be a YAML mapping/);
  });

  it('a missing explicit file names the flag or env variable', () => {
    const cwd = cwdWith();
    const byFlag = configError({ file: 'nope.yaml', env: {}, cwd });
    assert.equal(byFlag.details[0]!.where, '--config');
    assert.equal(byFlag.details[0]!.value, 'nope.yaml');
    const byEnv = configError({ env: { LNMT_CONFIG: 'gone.yaml' }, cwd });
    assert.equal(byEnv.details[0]!.where, 'env LNMT_CONFIG');
  });

  it('formatError prints one line per problem with key, value and allowed', () => {
    const err = configError({ cwd: cwdWith(), env: { LNMT_API__PORT: '99999' } });
    const text = formatError(err);
    assert.equal(
      text,
      'configuration is invalid (1 problem) [LNMT_ERR_CONFIG]\n  api.port (from env LNMT_API__PORT): invalid value; got 99999; allowed: an integer from 1 to 65535',
    );
  });
});

describe('secrets', () => {
  const url = 'postgres://lnmt:s3cr3t-pw@db.example:5432/lnmt';

  it('maskSecrets hides the password in the PostgreSQL URL and leaves the input untouched', () => {
    const { config } = loadConfig({ cwd: cwdWith(), env: { LNMT_STORE__POSTGRES__URL: url } });
    const masked = maskSecrets(config);
    assert.equal(masked.store.postgres.url, 'postgres://lnmt:***@db.example:5432/lnmt');
    assert.equal(config.store.postgres.url, url);
    assert.doesNotMatch(JSON.stringify(masked), /s3cr3t/);
  });

  it('a secret that is not a URL is masked whole; one without password is unchanged', () => {
    const c = defaultConfig();
    c.store.postgres.url = 'postgres://[not-a-url';
    assert.equal(maskSecrets(c).store.postgres.url, '***');
    c.store.postgres.url = 'postgres://127.0.0.1:5432/lnmt';
    assert.equal(maskSecrets(c).store.postgres.url, 'postgres://127.0.0.1:5432/lnmt');
  });

  it('an invalid secret value is not echoed in the error', () => {
    const err = configError({ cwd: cwdWith(), env: { LNMT_STORE__POSTGRES__URL: 'mysql://root:hunter2@db/lnmt' } });
    const d = detail(err, 'store.postgres.url');
    assert.doesNotMatch(formatError(err), /hunter2/);
    assert.equal(d.value, 'mysql://root:***@db/lnmt');
  });

  it('keeps the adaptive scan timeout floor at or below its ceiling', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lnmt-cfg-cross-'));
    // Only the ceiling given: the default floor (75 ms) follows it down.
    assert.equal(loadConfig({ env: { LNMT_SCANNER__TIMEOUT_MS: '50' }, cwd }).config.scanner.minTimeoutMs, 50);
    // Both given and contradictory: an error naming the floor, where it came from, and the ceiling.
    const err = (() => {
      try {
        loadConfig({ env: { LNMT_SCANNER__TIMEOUT_MS: '50', LNMT_SCANNER__MIN_TIMEOUT_MS: '60' }, cwd });
      } catch (e) {
        return e as LnmtError;
      }
      throw new Error('expected an error');
    })();
    assert.equal(err.code, 'LNMT_ERR_CONFIG');
    assert.match(err.details[0]!.where, /^scanner\.minTimeoutMs \(from env LNMT_SCANNER__MIN_TIMEOUT_MS\)$/);
    assert.match(err.details[0]!.allowed ?? '', /scanner\.timeoutMs \(50\)/);
  });

  it('never echoes the value of an unknown LNMT_ variable (it may be a secret)', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lnmt-cfg-secret-'));
    try {
      loadConfig({ env: { LNMT_API_SECRET: 'hunter2' }, cwd });
      assert.fail('expected an error');
    } catch (e) {
      assert.doesNotMatch(formatError(e), /hunter2/);
      assert.match(formatError(e), /env LNMT_API_SECRET/);
    }
  });
});
