import Type from 'typebox';
import { ConfigSchema } from '../../core/config/schema.js';
import type { ScanService } from '../../inventory/scan-service.js';
import type { JobType } from '../job-type.js';

const scanner = ConfigSchema.properties.scanner.properties;

const Params = Type.Object(
  {
    targets: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { minItems: 1, maxItems: 256, description: 'CIDRs, ranges, IPs or host names, as `lnmt scan` takes them' }),
    force: Type.Optional(Type.Boolean({ description: 'allow more addresses than scanner.maxAddresses' })),
    noCache: Type.Optional(Type.Boolean({ description: 'probe every address even if the status cache has a fresh answer' })),
    options: Type.Optional(
      Type.Object(
        {
          tcpPorts: Type.Optional(scanner.tcpPorts),
          icmp: Type.Optional(scanner.icmp),
          neighbours: Type.Optional(scanner.neighbours),
          reverseDns: Type.Optional(scanner.reverseDns),
          timeoutMs: Type.Optional(scanner.timeoutMs),
          minTimeoutMs: Type.Optional(scanner.minTimeoutMs),
          retries: Type.Optional(scanner.retries),
          concurrency: Type.Optional(scanner.concurrency),
        },
        { additionalProperties: false, description: 'per-scan overrides of the scanner settings' },
      ),
    ),
  },
  { additionalProperties: false },
);

/** A discovery scan of the given targets, through the process's ScanService (stored and evented like any scan). */
export function scanJobType(deps: { scans: ScanService }): JobType<typeof Params> {
  return {
    name: 'scan',
    description: 'discovery scan of targets (params: targets, force, noCache, options)',
    params: Params,
    async validate(params, where) {
      await deps.scans.prepare({ targets: params.targets, force: params.force ?? false, options: params.options ?? {}, where: where('targets') });
    },
    async run(params, { signal, job }) {
      const { id, done } = await deps.scans.start({
        targets: params.targets,
        force: params.force ?? false,
        noCache: params.noCache ?? false,
        options: params.options ?? {},
        requestedBy: `job:${job.name}`,
      });
      const cancel = () => deps.scans.cancel(id);
      signal.addEventListener('abort', cancel, { once: true });
      try {
        const result = await done;
        if (result.status === 'cancelled') throw signal.reason ?? new Error(`scan ${id} was cancelled`);
        const s = result.summary;
        return { scanId: id, addresses: s.addresses, online: s.online, discovered: s.discovered, wentOffline: s.went_offline, cameOnline: s.came_online, durationMs: s.duration_ms };
      } finally {
        signal.removeEventListener('abort', cancel);
      }
    },
  } satisfies JobType<typeof Params>;
}
