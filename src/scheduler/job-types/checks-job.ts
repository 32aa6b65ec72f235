import Type from 'typebox';
import type { MonitorControl } from '../../monitor/monitor-control.js';
import type { JobType } from '../job-type.js';

const Params = Type.Object(
  {
    ids: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 10_000, description: 'only these check ids' })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 100, description: 'only checks with one of these tags' })),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'only checks of this type' })),
    deviceId: Type.Optional(Type.Integer({ minimum: 1, description: 'only checks of this device' })),
  },
  { additionalProperties: false },
);

/** Runs a batch of health checks now, whatever their own intervals (no filter = every enabled check). */
export function checksJobType(deps: { monitor: MonitorControl }): JobType<typeof Params> {
  return {
    name: 'checks',
    description: 'run a batch of health checks (filter by ids, tags, type or deviceId; none = all enabled)',
    params: Params,
    async run(params, { signal }) {
      const summary = await deps.monitor.runChecks(params, signal);
      return { ...summary };
    },
  } satisfies JobType<typeof Params>;
}
