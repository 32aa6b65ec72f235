import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app/context.js';
import { LnmtError } from '../../core/errors.js';
import { ErrorSchema, inputErrors } from '../schemas/common.js';
import { ScanAcceptedSchema, ScanCreateBody, ScanIdParams, ScanListQuery, ScanListSchema, ScanSchema } from '../schemas/scans.js';

export interface ScanRoutesOptions {
  ctx: AppContext;
}

const tags = ['scans'];

/** `/api/scans`: start a discovery scan in the background (202), list scans, follow one. */
export const scanRoutes: FastifyPluginAsyncTypebox<ScanRoutesOptions> = async (app, { ctx }) => {
  app.post(
    '/api/scans',
    {
      schema: {
        tags,
        summary: 'Start a discovery scan (admin)',
        description: 'Targets are validated before the scan is queued (400 names the bad target, e.g. `body.targets[1]`). More than `scanner.maxAddresses` addresses needs `force: true`.',
        body: ScanCreateBody,
        response: { 202: ScanAcceptedSchema, ...inputErrors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const options = b.options ?? {};
      if (options.minTimeoutMs !== undefined || options.timeoutMs !== undefined) {
        const min = options.minTimeoutMs ?? ctx.config.scanner.minTimeoutMs;
        const max = options.timeoutMs ?? ctx.config.scanner.timeoutMs;
        if (min > max) {
          throw new LnmtError('LNMT_ERR_VALIDATION', `invalid request: options.minTimeoutMs (${min}) is above options.timeoutMs (${max})`, {
            details: [{ where: options.minTimeoutMs !== undefined ? 'body.options.minTimeoutMs' : 'body.options.timeoutMs', value: options.minTimeoutMs ?? options.timeoutMs, message: 'minTimeoutMs must not exceed timeoutMs', allowed: `minTimeoutMs <= timeoutMs (${max})` }],
          });
        }
      }
      const { id } = await ctx.scans.start({
        targets: b.targets,
        force: b.force ?? false,
        noCache: b.noCache ?? false,
        options,
        requestedBy: req.principal?.name ?? null,
        where: 'body.targets',
      });
      const view = await ctx.scans.get(id);
      const url = `/api/scans/${id}`;
      void reply.code(202).header('location', url);
      return { id, status: view?.status ?? 'queued', url };
    },
  );

  app.get(
    '/api/scans',
    {
      schema: { tags, summary: 'Recent scans, newest first', querystring: ScanListQuery, response: { 200: ScanListSchema, ...inputErrors } },
    },
    async (req) => ({ items: await ctx.scans.list(req.query.limit ?? 50) }),
  );

  app.get(
    '/api/scans/:id',
    {
      schema: { tags, summary: 'One scan: status, live progress while running, summary when done', params: ScanIdParams, response: { 200: ScanSchema, 404: ErrorSchema, ...inputErrors } },
    },
    async (req) => {
      const view = await ctx.scans.get(req.params.id.toLowerCase());
      if (!view) throw new LnmtError('LNMT_ERR_NOT_FOUND', `no scan with id ${req.params.id}`, { details: [{ where: 'params.id', value: req.params.id, message: 'no such scan' }] });
      return view;
    },
  );
};
