import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app/context.js';
import type { NotifyDeliveryRow } from '../../store/tables/notify.js';
import { ErrorSchema, authErrors, inputErrors } from '../schemas/common.js';
import {
  ChannelCreateBody,
  ChannelListSchema,
  ChannelPatchBody,
  ChannelRefParams,
  ChannelSchema,
  DEFAULT_LOG_LIMIT,
  DeliveryListSchema,
  DeliveryLogQuery,
  RuleListSchema,
  TestResultSchema,
} from '../schemas/notifications.js';

export interface NotificationRoutesOptions {
  ctx: AppContext;
}

const tags = ['notifications'];
const body = (field: string) => `body.${field}`;

function deliveryView(r: NotifyDeliveryRow) {
  return { ...r, time: new Date(r.time).toISOString() };
}

/**
 * `/api/notifications`: channels (list, create, edit, remove, test; secrets masked on output), the alert rules
 * in effect, and the delivery log.
 */
export const notificationRoutes: FastifyPluginAsyncTypebox<NotificationRoutesOptions> = async (app, { ctx }) => {
  const notify = ctx.notify;

  app.get(
    '/api/notifications/channels',
    { schema: { tags, summary: 'Notification channels (secrets masked)', response: { 200: ChannelListSchema, ...authErrors } } },
    async () => ({ items: (await notify.channels.list()).map((d) => notify.view(d)) }),
  );

  app.get(
    '/api/notifications/channels/:id',
    { schema: { tags, summary: 'One channel by id or name (secrets masked)', params: ChannelRefParams, response: { 200: ChannelSchema, 404: ErrorSchema, ...inputErrors } } },
    async (req) => notify.view(await notify.channels.get(req.params.id, 'params.id')),
  );

  app.post(
    '/api/notifications/channels',
    {
      schema: {
        tags,
        summary: 'Create a channel (admin)',
        description: 'Settings are checked by the channel type; errors name the field (`body.settings.url`). Names are unique.',
        body: ChannelCreateBody,
        response: { 201: ChannelSchema, 409: ErrorSchema, ...inputErrors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const def = await notify.channels.create({ name: b.name, type: b.type, enabled: b.enabled, settings: b.settings as Record<string, unknown> | undefined, filter: b.filter }, body);
      void reply.code(201).header('location', `/api/notifications/channels/${def.id}`);
      return notify.view(def);
    },
  );

  app.patch(
    '/api/notifications/channels/:id',
    {
      schema: {
        tags,
        summary: 'Edit a channel (admin): name, enabled, settings (merged), filter (replaced)',
        description: 'Channels declared in the config file are read-only (409).',
        params: ChannelRefParams,
        body: ChannelPatchBody,
        response: { 200: ChannelSchema, 404: ErrorSchema, 409: ErrorSchema, ...inputErrors },
      },
    },
    async (req) => notify.view(await notify.channels.update(req.params.id, { ...req.body, settings: req.body.settings as Record<string, unknown> | undefined }, body, 'params.id')),
  );

  app.delete(
    '/api/notifications/channels/:id',
    {
      schema: { tags, summary: 'Remove a channel (admin); its delivery log stays', params: ChannelRefParams, response: { 204: { type: 'null', description: 'Removed' }, 404: ErrorSchema, 409: ErrorSchema, ...inputErrors } },
    },
    async (req, reply) => {
      await notify.channels.remove(req.params.id, 'params.id');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/notifications/channels/:id/test',
    {
      schema: {
        tags,
        summary: 'Send a test message now (admin)',
        description: 'One attempt, no queue, also for a disabled channel. 200 either way: `status` says whether it was delivered, `error` why not.',
        params: ChannelRefParams,
        response: { 200: TestResultSchema, 404: ErrorSchema, ...inputErrors },
      },
    },
    async (req) => notify.test(req.params.id, 'params.id'),
  );

  app.get(
    '/api/notifications/rules',
    { schema: { tags, summary: 'Alert rules with their effective settings (notify.rules in the config)', response: { 200: RuleListSchema, ...authErrors } } },
    async () => ({ items: notify.rulesView() }),
  );

  app.get(
    '/api/notifications/log',
    {
      schema: {
        tags,
        summary: 'The delivery log, newest first',
        description: 'One entry per alert per channel: `sent`, `failed` (after its retries) or `suppressed` (throttled). Filter by `channel` (id or name), `status`, `rule`.',
        querystring: DeliveryLogQuery,
        response: { 200: DeliveryListSchema, ...inputErrors },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? DEFAULT_LOG_LIMIT;
      const offset = q.offset ?? 0;
      // A removed channel's entries are still found by its id.
      const channelId = q.channel === undefined ? undefined : ((await notify.channels.find(q.channel))?.id ?? q.channel);
      const { items, total } = await notify.deliveries({ limit, offset, channelId, status: q.status, rule: q.rule });
      return { items: items.map(deliveryView), total, limit, offset };
    },
  );
};
