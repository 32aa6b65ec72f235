/**
 * `lnmt honeypot nft`: the script steers each real port to its service and every decoy through one map, leaves
 * `--keep` ports alone, and is accepted by the kernel (loaded twice, in a network namespace of its own, so it
 * replaces itself). Needs root and nft; missing, it fails under CI=true.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { honeynetDefaults } from '../../src/core/config/sections/honeynet.js';
import { listenPlan } from '../../src/honeynet/listen-plan.js';
import { nftRedirectScript } from '../../src/honeynet/nft-redirects.js';
import { honeypotServices } from '../../src/honeynet/services/index.js';
import { which } from './ssh-profile/nmap-enum-algos.js';

const registry = honeypotServices({ shell: () => ({ prompt: () => '', banner: () => '', execute: async () => ({ output: '', exit: false }) }) });
const plan = listenPlan(honeynetDefaults(), registry);

function kernelSkip(): string | false {
  const why = !which('nft') ? 'nft not installed' : process.getuid?.() !== 0 ? 'needs root' : false;
  if (why && process.env.CI === 'true') throw new Error(`${why}: the nft redirect test must run in CI (.ci/run runs as root and installs nftables)`);
  return why;
}

describe('nftables redirects', () => {
  const script = nftRedirectScript(plan, { iface: 'eth0', keep: [22] });

  it('one rule per service from its standard port, --keep honoured, every decoy in one map', () => {
    assert.match(script, /iifname "eth0" tcp dport 23 redirect to :2323 comment "telnet"/);
    assert.match(script, /iifname "eth0" tcp dport 3306 redirect to :13306 comment "mysql"/);
    assert.match(script, /iifname "eth0" tcp dport 110 redirect to :10110 comment "pop3"/);
    assert.doesNotMatch(script, /dport 22 redirect/);
    assert.match(script, /# ssh: port 22 kept/);
    const map = /redirect to :tcp dport map \{([^}]*)\}/.exec(script)?.[1] ?? '';
    const pairs = [...map.matchAll(/(\d+) : (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.equal(pairs.length, 100);
    assert.deepEqual(pairs.find(([real]) => real === 139), [139, plan.ports.find((p) => p.connectDetail?.decoy === 139)!.port]);
  });

  describe('in the kernel', { skip: kernelSkip() }, () => {
    const ns = `lnmtnft${process.pid}`;
    const dir = mkdtempSync(join(tmpdir(), 'lnmt-nft-'));
    after(() => {
      spawnSync('ip', ['netns', 'del', ns]);
      rmSync(dir, { recursive: true, force: true });
    });

    it('loads, and loads again over itself', () => {
      execFileSync('ip', ['netns', 'add', ns]);
      const file = join(dir, 'lnmt.nft');
      writeFileSync(file, script);
      execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', file]);
      execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', file]);
      const listed = execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'inet', 'lnmt_honeynet'], { encoding: 'utf8' });
      assert.equal(listed.match(/redirect to :2323/g)?.length, 1, listed);
      assert.match(listed, /139 : \d+/);
    });
  });
});
