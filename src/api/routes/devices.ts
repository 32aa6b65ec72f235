import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app/context.js';
import { LnmtError } from '../../core/errors.js';
import { SUBNET_ALLOWED, parseSubnet } from '../../core/ip.js';
import type { DeviceListQuery } from '../../store/repositories/device-repo.js';
import { deviceView, historyView } from '../../views/device-view.js';
import type { ResponseCache } from '../response-cache.js';
import { ErrorSchema, inputErrors } from '../schemas/common.js';
import {
  DEFAULT_HISTORY,
  DEFAULT_LIMIT,
  DeviceCreateBody,
  DeviceGetQuery,
  DeviceIdParams,
  DeviceListQuery as DeviceListQuerySchema,
  DeviceListSchema,
  DevicePatchBody,
  DeviceSchema,
  DeviceWithHistorySchema,
  type DeviceListJson,
  type DeviceListQueryT,
} from '../schemas/devices.js';

export interface DeviceRoutesOptions {
  ctx: AppContext;
  /** Serialised list pages, invalidated by the device data version; null disables caching. */
  cache: ResponseCache | null;
  /** The device data version (changes whenever device rows may have changed). */
  dataVersion: () => string;
}

const tags = ['devices'];

/**
 * `/api/devices`: list (pagination, filters, sort), show (with status history), add, edit, remove. Every write
 * goes through the DeviceTracker, so it emits its event and bumps the data version the list cache watches.
 */
export const deviceRoutes: FastifyPluginAsyncTypebox<DeviceRoutesOptions> = async (app, { ctx, cache, dataVersion }) => {
  const repo = ctx.repos.devices;
  const tracker = ctx.tracker;
  // Totals per filter, valid for one data version: a page request then costs one indexed range read, and
  // `count(*)` (up to milliseconds with a text filter) runs once per filter per change.
  const totals = new Map<string, number>();
  let totalsVersion = '';
  const version = cache ? () => cache.currentVersion() : dataVersion;

  app.get(
    '/api/devices',
    {
      schema: {
        tags,
        summary: 'List devices',
        description: 'Pagination (`limit`, `offset`), filters (`status`, `vendor`, `subnet`, `q`) and sorting (`sort`, `order`). Responses carry an ETag.',
        querystring: DeviceListQuerySchema,
        response: { 200: DeviceListSchema, ...inputErrors },
      },
    },
    async (req, reply) => {
      const q = normalize(req.query);
      const v = version();
      const key = `${q.limit}|${q.offset}|${q.sort}|${q.order}|${q.status ?? ''}|${q.subnet ?? ''}|${q.vendor ?? ''}|${q.q ?? ''}`;
      if (cache) {
        const hit = cache.get(key);
        if (hit) return cache.send(req, reply, hit);
      }
      const fkey = `${q.status ?? ''}|${q.subnet ?? ''}|${q.vendor ?? ''}|${q.q ?? ''}`;
      if (v !== totalsVersion) {
        totals.clear();
        totalsVersion = v;
      }
      let total = totals.get(fkey);
      const [rows, counted] = await Promise.all([repo.page(q), total === undefined ? repo.count(q) : Promise.resolve(total)]);
      if (total === undefined) {
        total = counted;
        if (totals.size > 1000) totals.clear();
        if (v === totalsVersion) totals.set(fkey, total);
      }
      const payload: DeviceListJson = { items: rows.map(deviceView), total, limit: q.limit, offset: q.offset };
      if (!cache) return payload;
      const body = Buffer.from(reply.serialize(payload) as string);
      return cache.send(req, reply, cache.set(key, body, v));
    },
  );

  app.get(
    '/api/devices/:id',
    {
      schema: {
        tags,
        summary: 'Show a device with its recent status history',
        params: DeviceIdParams,
        querystring: DeviceGetQuery,
        response: { 200: DeviceWithHistorySchema, 404: ErrorSchema, ...inputErrors },
      },
    },
    async (req) => {
      const { id } = req.params;
      const n = req.query.history ?? DEFAULT_HISTORY;
      const [row, history] = await Promise.all([repo.get(id), n > 0 ? repo.history(id, n) : Promise.resolve([])]);
      if (!row) throw notFound(id);
      return { ...deviceView(row), history: history.map(historyView) };
    },
  );

  app.post(
    '/api/devices',
    {
      schema: {
        tags,
        summary: 'Add a device by hand (admin)',
        body: DeviceCreateBody,
        response: { 201: DeviceSchema, 409: ErrorSchema, ...inputErrors },
      },
    },
    async (req, reply) => {
      const row = await tracker.add(req.body, 'body');
      void reply.code(201).header('location', `/api/devices/${row.id}`);
      return deviceView(row);
    },
  );

  app.patch(
    '/api/devices/:id',
    {
      schema: {
        tags,
        summary: 'Edit a device (admin): ip, mac, hostname, name, notes; null clears a field',
        params: DeviceIdParams,
        body: DevicePatchBody,
        response: { 200: DeviceSchema, 404: ErrorSchema, 409: ErrorSchema, ...inputErrors },
      },
    },
    async (req) => {
      const { id } = req.params;
      const input: Parameters<typeof tracker.patch>[1] = {};
      const b = req.body;
      if (b.ip !== undefined) input.ip = b.ip;
      if (b.mac !== undefined) input.mac = b.mac;
      if (b.hostname !== undefined) input.hostname = b.hostname;
      if (b.name !== undefined) input.name = b.name;
      if (b.notes !== undefined) input.notes = b.notes;
      try {
        return deviceView(await tracker.patch(id, input, 'body'));
      } catch (err) {
        throw err instanceof LnmtError && err.code === 'LNMT_ERR_NOT_FOUND' ? notFound(id) : err;
      }
    },
  );

  app.delete(
    '/api/devices/:id',
    {
      schema: {
        tags,
        summary: 'Remove a device (admin)',
        params: DeviceIdParams,
        response: { 204: { type: 'null', description: 'Removed' }, 404: ErrorSchema, ...inputErrors },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      try {
        await tracker.remove(id);
      } catch (err) {
        throw err instanceof LnmtError && err.code === 'LNMT_ERR_NOT_FOUND' ? notFound(id) : err;
      }
      return reply.code(204).send(null);
    },
  );
};

function notFound(id: number): LnmtError {
  return new LnmtError('LNMT_ERR_NOT_FOUND', `no device with id ${id}`, { details: [{ where: 'params.id', value: id, message: 'no such device' }] });
}

/** Validated query → repository query with defaults; the subnet is checked as a CIDR here. */
function normalize(q: DeviceListQueryT): DeviceListQuery & Required<Pick<DeviceListQuery, 'sort' | 'order'>> {
  const subnet = q.subnet === undefined ? undefined : parseSubnet(q.subnet);
  if (subnet === null) {
    throw new LnmtError('LNMT_ERR_VALIDATION', `invalid request: query.subnet: "${q.subnet}" is not a CIDR`, {
      details: [{ where: 'query.subnet', value: q.subnet, message: 'not a CIDR', allowed: SUBNET_ALLOWED }],
    });
  }
  return { status: q.status, vendor: q.vendor, subnet, q: q.q, limit: q.limit ?? DEFAULT_LIMIT, offset: q.offset ?? 0, sort: q.sort ?? 'ip', order: q.order ?? 'asc' };
}
