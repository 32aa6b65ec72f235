import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app/context.js';
import { LnmtError } from '../../core/errors.js';
import { defaultStep, parseDuration } from '../../monitor/windows.js';
import { checkResultView, checkView } from '../../views/check-view.js';
import {
  CheckCreateBody, CheckDetailSchema, CheckIdParams, CheckListQuery, CheckListSchema, CheckPatchBody, CheckSchema,
  DeviceUptimeSchema, HealthReportQuery, HealthReportSchema, HistoryQuery, HistorySchema, UptimeQuery,
} from '../schemas/checks.js';
import { ErrorSchema, inputErrors } from '../schemas/common.js';
import { DeviceIdParams } from '../schemas/devices.js';

export interface CheckRoutesOptions {
  ctx: AppContext;
}

const tags = ['checks'];
const DAY = 86_400_000;

/** `/api/checks` (definitions, history), `/api/devices/:id/uptime` and `/api/reports/health`. */
export const checkRoutes: FastifyPluginAsyncTypebox<CheckRoutesOptions> = async (app, { ctx }) => {
  const monitor = ctx.monitor;

  app.get('/api/checks', { schema: { tags, summary: 'Health checks, by name, with their current state and 24 h uptime', querystring: CheckListQuery, response: { 200: CheckListSchema, ...inputErrors } } }, async (req) => {
    const q = req.query;
    const { rows, total } = await ctx.repos.checks.list({ type: q.type, state: q.state, deviceId: q.device, tag: q.tag, enabled: q.enabled, limit: q.limit, offset: q.offset });
    const uptimes = await monitor.history.checkUptimes(DAY, rows.map((r) => r.id));
    return { items: rows.map((r) => checkView(r, uptimes.get(r.id) ?? null)), total, limit: q.limit, offset: q.offset };
  });

  app.post('/api/checks', { schema: { tags, summary: 'Add a health check (admin); it runs at once, then on its interval', body: CheckCreateBody, response: { 201: CheckSchema, 404: ErrorSchema, 409: ErrorSchema, ...inputErrors } } }, async (req, reply) => {
    const row = await monitor.create(req.body, 'body.');
    void reply.code(201).header('location', `/api/checks/${row.id}`);
    return checkView(row);
  });

  app.get('/api/checks/:id', { schema: { tags, summary: 'One check (by id or name): definition, state, uptime over 24h/7d/30d, newest results', params: CheckIdParams, response: { 200: CheckDetailSchema, 404: ErrorSchema, ...inputErrors } } }, async (req) => {
    const row = await findOr404(ctx, req.params.id);
    const summary: Record<string, Awaited<ReturnType<typeof monitor.history.checkSummary>>> = {};
    for (const [label, ms] of [['24h', DAY], ['7d', 7 * DAY], ['30d', 30 * DAY]] as const) summary[label] = await monitor.history.checkSummary(row.id, ms);
    const recent = await ctx.repos.checkResults.recent(row.id, 20);
    return { check: checkView(row), summary, recent: recent.map(checkResultView) };
  });

  app.patch('/api/checks/:id', { schema: { tags, summary: 'Change a check (admin); fields left out keep their values', params: CheckIdParams, body: CheckPatchBody, response: { 200: CheckSchema, 404: ErrorSchema, 409: ErrorSchema, ...inputErrors } } }, async (req) => {
    await findOr404(ctx, req.params.id);
    return checkView(await monitor.update(req.params.id, req.body, 'body.'));
  });

  app.delete('/api/checks/:id', { schema: { tags, summary: 'Remove a check with its results and history (admin)', params: CheckIdParams, response: { 204: { type: 'null' }, 404: ErrorSchema, ...inputErrors } } }, async (req, reply) => {
    await findOr404(ctx, req.params.id);
    await monitor.remove(req.params.id);
    return reply.code(204).send(null);
  });

  app.post('/api/checks/:id/run', { schema: { tags, summary: 'Run a check now (admin) and return its result', params: CheckIdParams, response: { 200: CheckDetailSchema.properties.recent.items, 404: ErrorSchema, ...inputErrors } } }, async (req) => {
    const row = await findOr404(ctx, req.params.id);
    await monitor.runChecks({ ids: [row.id] });
    const [latest] = await ctx.repos.checkResults.recent(row.id, 1);
    return checkResultView(latest!);
  });

  app.get('/api/checks/:id/history', { schema: { tags, summary: 'Uptime and latency series of a check from the aggregates', description: '`window` is how far back (24h, 7d, 30d, 1y); `step` the bucket size (default: about 100 points).', params: CheckIdParams, querystring: HistoryQuery, response: { 200: HistorySchema, 404: ErrorSchema, ...inputErrors } } }, async (req) => {
    const row = await findOr404(ctx, req.params.id);
    const windowMs = parseDuration(req.query.window, 'querystring.window', { min: 60_000, max: 10 * 365 * DAY });
    const stepMs = req.query.step !== undefined ? parseDuration(req.query.step, 'querystring.step', { min: 60_000, max: 365 * DAY }) : defaultStep(windowMs);
    const series = await monitor.history.checkSeries(row.id, windowMs, stepMs);
    return { check: { id: row.id, name: row.name }, window: req.query.window, step: formatStep(stepMs), summary: await monitor.history.checkSummary(row.id, windowMs), points: series.points };
  });

  app.get('/api/devices/:id/uptime', { schema: { tags: ['devices', 'checks'], summary: "A device's uptime over several windows, from its checks' aggregates", params: DeviceIdParams, querystring: UptimeQuery, response: { 200: DeviceUptimeSchema, 404: ErrorSchema, ...inputErrors } } }, async (req) => {
    const device = await ctx.repos.devices.get(req.params.id);
    if (!device) throw new LnmtError('LNMT_ERR_NOT_FOUND', `no device with id ${req.params.id}`, { details: [{ where: 'params.id', value: req.params.id, message: 'no such device' }] });
    const labels = req.query.windows.split(',').map((s) => s.trim()).filter(Boolean);
    if (labels.length === 0 || labels.length > 8) throw new LnmtError('LNMT_ERR_VALIDATION', 'windows: give 1 to 8 windows', { details: [{ where: 'querystring.windows', value: req.query.windows, message: 'invalid list', allowed: 'a comma-separated list of 1 to 8 windows, e.g. 24h,7d,30d,1y' }] });
    const windows: Record<string, { device_id: number; checks: number; total: number; up: number; down: number; uptime: number | null }> = {};
    for (const label of labels) {
      const [row] = await monitor.history.healthReport(parseDuration(label, 'querystring.windows'), Number(device.id));
      windows[label] = row ? { device_id: row.device_id, checks: row.checks, total: row.total, up: row.up, down: row.down, uptime: row.uptime } : { device_id: Number(device.id), checks: 0, total: 0, up: 0, down: 0, uptime: null };
    }
    const { rows } = await ctx.repos.checks.list({ deviceId: Number(device.id), limit: 1000, offset: 0 });
    return { device: { id: Number(device.id), ip: device.ip, hostname: device.hostname, name: device.name }, checks: rows.map((r) => ({ id: r.id, name: r.name, type: r.type, state: r.state })), windows };
  });

  app.get('/api/reports/health', { schema: { tags: ['reports', 'checks'], summary: 'Per device: checks, results, up/down counts and uptime % over a window (one query on the aggregates)', querystring: HealthReportQuery, response: { 200: HealthReportSchema, ...inputErrors } } }, async (req) => {
    const windowMs = parseDuration(req.query.window, 'querystring.window');
    const to = Date.now();
    const rows = await monitor.history.healthReport(windowMs);
    const sort = req.query.sort;
    rows.sort((a, b) => (sort === 'ip' ? a.ip.localeCompare(b.ip, 'en', { numeric: true }) : sort === 'down' ? b.down - a.down : (a.uptime ?? 101) - (b.uptime ?? 101)));
    return { window: req.query.window, from: new Date(to - windowMs).toISOString(), to: new Date(to).toISOString(), items: rows };
  });
};

async function findOr404(ctx: AppContext, id: string) {
  const row = await ctx.repos.checks.find(id);
  if (!row) throw new LnmtError('LNMT_ERR_NOT_FOUND', `no check with id or name "${id}"`, { details: [{ where: 'params.id', value: id, message: 'no such check', allowed: 'a check id or name (GET /api/checks)' }] });
  return row;
}

function formatStep(ms: number): string {
  for (const [u, n] of [['d', DAY], ['h', 3_600_000], ['m', 60_000]] as const) if (ms % n === 0) return `${ms / n}${u}`;
  return `${ms}ms`;
}
