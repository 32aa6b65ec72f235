/** The scheduler on the wall clock: a job every second really runs about once a second, on time. */
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { systemClock } from '../../src/scheduler/clock.js';
import { bodyWhere } from '../../src/scheduler/job-limits.js';
import { sqliteDatabase, testScheduler } from './harness.js';

const db = sqliteDatabase();
after(() => db.cleanup());

it('an interval job and a 6-field cron job, each every second, run about N times in N seconds', async () => {
  const t = await testScheduler(await db.open(), { clock: systemClock, config: { pollIntervalMs: 1000 } });
  await t.scheduler.jobs.create({ name: 'every-second', type: 'count', every: '1s' }, bodyWhere);
  await t.scheduler.jobs.create({ name: 'cron-second', type: 'count', cron: '* * * * * *' }, bodyWhere);
  await t.scheduler.start();
  const started = Date.now();
  await new Promise((r) => setTimeout(r, 3500));
  await t.scheduler.stop();
  const elapsed = (Date.now() - started) / 1000;
  for (const name of ['every-second', 'cron-second']) {
    const runs = await t.history(name);
    assert.ok(runs.length >= Math.floor(elapsed) - 1 && runs.length <= Math.ceil(elapsed), `${name}: ${runs.length} runs in ${elapsed.toFixed(1)} s`);
    assert.ok(runs.every((r) => r.status === 'succeeded' && r.trigger === 'schedule'), name);
    for (let i = 1; i < runs.length; i++) assert.equal(runs[i]!.scheduled_for - runs[i - 1]!.scheduled_for, 1000, `${name}: one second apart`);
    // Started on time: the timer is armed for the due instant, not polled.
    const lateness = runs.map((r) => r.started_at! - r.scheduled_for);
    assert.ok(Math.max(...lateness) < 250, `${name}: started up to ${Math.max(...lateness)} ms late`);
  }
  assert.equal((await t.history('cron-second')).every((r) => r.scheduled_for % 1000 === 0), true, 'cron runs fall on whole seconds');
});
