import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app/context.js';
import { bodyWhere } from '../../scheduler/job-limits.js';
import { runView } from '../../scheduler/job-view.js';
import { ErrorSchema, inputErrors } from '../schemas/common.js';
import { DEFAULT_RUN_LIMIT, JobCreateBody, JobListSchema, JobPatchBody, JobRefParams, JobSchema, RunListQuery, RunListSchema, RunSchema } from '../schemas/scheduler.js';

export interface SchedulerRoutesOptions {
  ctx: AppContext;
}

const tags = ['scheduler'];

/**
 * `/api/scheduler/jobs`: job definitions (list, create, change, delete), manual runs and run history. Jobs are
 * addressed by id or name. Reads need a viewer token, everything else an admin token (the auth plugin's rule).
 */
export const schedulerRoutes: FastifyPluginAsyncTypebox<SchedulerRoutesOptions> = async (app, { ctx }) => {
  const jobs = ctx.scheduler.jobs;

  app.get(
    '/api/scheduler/jobs',
    { schema: { tags, summary: 'Jobs by name, with their next run and their latest run', response: { 200: JobListSchema, ...inputErrors } } },
    async () => ({ items: await jobs.list() }),
  );

  app.post(
    '/api/scheduler/jobs',
    {
      schema: {
        tags,
        summary: 'Create a job (admin)',
        description: 'Give `cron` or `every`. An invalid cron expression is refused with the field and column at fault (`body.cron`: `field 2 (hour) at column 3: "25" is out of range 0-23`); parameters are checked against the job type (`body.params.targets[0]`).',
        body: JobCreateBody,
        response: { 201: JobSchema, 409: ErrorSchema, ...inputErrors },
      },
    },
    async (req, reply) => {
      const job = await jobs.create(req.body, bodyWhere);
      void reply.code(201).header('location', `/api/scheduler/jobs/${job.id}`);
      return job;
    },
  );

  app.get(
    '/api/scheduler/jobs/:id',
    { schema: { tags, summary: 'One job by id or name', params: JobRefParams, response: { 200: JobSchema, 404: ErrorSchema, ...inputErrors } } },
    async (req) => jobs.show(req.params.id, 'params.id'),
  );

  app.patch(
    '/api/scheduler/jobs/:id',
    {
      schema: {
        tags,
        summary: 'Change a job (admin); fields left out keep their values',
        description: 'Setting `cron` replaces `every` and the other way round; `params` replaces all parameters; `timezone: null` goes back to scheduler.timezone. The type cannot change.',
        params: JobRefParams,
        body: JobPatchBody,
        response: { 200: JobSchema, 404: ErrorSchema, 409: ErrorSchema, ...inputErrors },
      },
    },
    async (req) => jobs.update(req.params.id, req.body, bodyWhere, 'params.id'),
  );

  app.delete(
    '/api/scheduler/jobs/:id',
    {
      schema: {
        tags,
        summary: 'Delete a job and its run history (admin); built-in jobs answer 409 (disable them instead)',
        params: JobRefParams,
        response: { 204: { type: 'null', description: 'Deleted' }, 404: ErrorSchema, 409: ErrorSchema, ...inputErrors },
      },
    },
    async (req, reply) => {
      await jobs.remove(req.params.id, 'params.id');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/scheduler/jobs/:id/run',
    {
      schema: {
        tags,
        summary: 'Run a job now (admin), in this server, under its overlap policy',
        description: 'Answers 202 with the run: `running` (follow it in the run history), `queued` behind a running run, or `skipped`.',
        params: JobRefParams,
        response: { 202: RunSchema, 404: ErrorSchema, ...inputErrors },
      },
    },
    async (req, reply) => {
      const { run } = await ctx.scheduler.runNow(req.params.id, 'params.id');
      void reply.code(202).header('location', `/api/scheduler/jobs/${run.job_id}/runs`);
      return runView(run);
    },
  );

  app.get(
    '/api/scheduler/jobs/:id/runs',
    {
      schema: {
        tags,
        summary: 'Run history of a job, newest first (paged)',
        params: JobRefParams,
        querystring: RunListQuery,
        response: { 200: RunListSchema, 404: ErrorSchema, ...inputErrors },
      },
    },
    async (req) => {
      const q = req.query;
      const { items, total, limit, offset } = await jobs.history(req.params.id, { limit: q.limit ?? DEFAULT_RUN_LIMIT, offset: q.offset ?? 0, status: q.status }, 'params.id');
      return { items, total, limit, offset };
    },
  );
};
