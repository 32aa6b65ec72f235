import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { LnmtError } from '../../core/errors.js';
import { changesText } from '../../response/blocklist.js';
import { decisionView, parseDecisionDuration } from '../../response/decision-input.js';
import { BLOCKLIST_FORMAT_NAMES } from '../../response/exporters/index.js';
import { ErrorSchema, Nullable, Timestamp, inputErrors } from '../schemas/common.js';

const tags = ['decisions'];

export const DecisionSchema = Type.Object(
  {
    id: Type.String({ description: 'UUIDv7' }),
    target: Type.String({ description: 'Address or CIDR' }),
    family: Type.Integer({ description: '4 or 6' }),
    action: Type.Enum(['ban', 'tag']),
    reason: Type.String(),
    origin: Type.Enum(['rule', 'manual', 'api']),
    rule: Nullable(Type.String()),
    escalation: Type.Integer({ description: 'Earlier bans of the target within the escalation lookback' }),
    created_at: Timestamp,
    expires_at: Nullable(Type.String({ format: 'date-time', description: 'Null: permanent' })),
    removed_at: Nullable(Type.String({ format: 'date-time' })),
    removed_reason: Nullable(Type.String({ description: 'expired, manual or replaced' })),
  },
  { additionalProperties: false },
);

const DecisionListSchema = Type.Object({ items: Type.Array(DecisionSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }, { additionalProperties: false });

const DecisionListQuery = Type.Object(
  {
    active: Type.Boolean({ default: true, description: 'Only decisions in force (default); false lists history too' }),
    action: Type.Optional(Type.Enum(['ban', 'tag'])),
    target: Type.Optional(Type.String({ minLength: 2, maxLength: 64 })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  },
  { additionalProperties: false },
);

const DecisionCreateBody = Type.Object(
  {
    target: Type.String({ minLength: 2, maxLength: 64, description: 'IPv4/IPv6 address or CIDR' }),
    action: Type.Optional(Type.Enum(['ban', 'tag'], { default: 'ban' })),
    duration: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: '`4h`, `30m`, `7d` or `permanent`; default response.defaultDuration, escalated for repeat offenders' })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ minLength: 2, maxLength: 64, description: 'Decision id, or an address (a CIDR URL-encoded: 10.0.0.0%2F24)' }) }, { additionalProperties: false });

const BlocklistQuery = Type.Object(
  {
    format: Type.Enum(BLOCKLIST_FORMAT_NAMES as [string, ...string[]], { default: 'plain', description: BLOCKLIST_FORMAT_NAMES.join(', ') }),
    since: Type.Optional(Type.String({ pattern: '^\\d{1,18}$', description: 'Change-log cursor: only additions and removals after it (formats json and plain)' })),
    limit: Type.Integer({ minimum: 1, maximum: 100_000, default: 10_000, description: 'Changes per page with `since`' }),
  },
  { additionalProperties: false },
);

/** Whether an `If-None-Match` header names this (weak) ETag; weak comparison, as RFC 9110 §13.1.2 asks for GET. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

/** `/api/decisions` (bans and tags) and `/api/blocklist` (bans in force, in every export format). */
export const decisionRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const decisions = ctx.response.decisions;

  app.get('/api/decisions', { schema: { tags, summary: 'Decisions, newest first (in force by default)', querystring: DecisionListQuery, response: { 200: DecisionListSchema, ...inputErrors } } }, async (req) => {
    const q = req.query;
    const { items, total } = await decisions.list({ active: q.active, action: q.action as 'ban' | 'tag' | undefined, target: q.target, limit: q.limit, offset: q.offset });
    return { items: items.map(decisionView), total, limit: q.limit, offset: q.offset };
  });

  app.get('/api/decisions/:id', { schema: { tags, summary: 'One decision', params: IdParams, response: { 200: DecisionSchema, 404: ErrorSchema, ...inputErrors } } }, async (req) => {
    const d = await decisions.get(req.params.id);
    if (!d) throw new LnmtError('LNMT_ERR_NOT_FOUND', `no decision ${req.params.id}`, { details: [{ where: 'params.id', value: req.params.id, message: 'no such decision' }] });
    return decisionView(d);
  });

  app.post(
    '/api/decisions',
    {
      schema: {
        tags,
        summary: 'Ban or tag an address or CIDR (admin)',
        description: 'Refused (409) when a ban overlaps the allowlist; the error names the entry. 201 when created, 200 when an equal or longer decision was already in force (returned).',
        body: DecisionCreateBody,
        response: { 200: DecisionSchema, 201: DecisionSchema, 409: ErrorSchema, ...inputErrors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const durationMs = parseDecisionDuration(b.duration, 'body.duration');
      const r = await decisions.add({ target: b.target, action: (b.action ?? 'ban') as 'ban' | 'tag', durationMs, reason: b.reason, origin: 'api' }, { target: 'body.target' });
      void reply.code(r.created ? 201 : 200).header('location', `/api/decisions/${r.decision.id}`);
      return decisionView(r.decision);
    },
  );

  app.delete(
    '/api/decisions/:id',
    { schema: { tags, summary: 'Remove a decision by id, or every decision in force on an address (admin)', params: IdParams, response: { 204: { type: 'null', description: 'Removed' }, 404: ErrorSchema, ...inputErrors } } },
    async (req, reply) => {
      await decisions.remove(req.params.id, 'params.id');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/blocklist',
    {
      schema: {
        tags,
        summary: 'Bans in force as plain text, JSON, an nft script, ipset restore input or a STIX 2.1 bundle',
        description:
          'Sends a weak `ETag` and answers `If-None-Match` with 304; `X-Lnmt-Cursor` is the change-log cursor of the list. With `since=<cursor>` (json or plain) only the additions and removals after it, and the next cursor; `reset: true` means the cursor is too old: fetch the whole list.',
        querystring: BlocklistQuery,
        response: { 200: { type: 'string', description: 'The list in the format asked for' }, 304: { type: 'null', description: 'Not modified' }, ...inputErrors },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const list = ctx.response.blocklist;
      if (q.since !== undefined) {
        if (q.format !== 'json' && q.format !== 'plain') {
          throw new LnmtError('LNMT_ERR_VALIDATION', 'query.since works with format json or plain', { details: [{ where: 'query.format', value: q.format, message: 'no incremental form', allowed: 'json or plain with since' }] });
        }
        const c = await list.changes(Number(q.since), q.limit);
        void reply.header('x-lnmt-cursor', c.cursor).header('cache-control', 'no-cache');
        return q.format === 'json' ? reply.type('application/json; charset=utf-8').send(JSON.stringify(c)) : reply.type('text/plain; charset=utf-8').send(changesText(c));
      }
      const { etag, cursor } = await list.etag(q.format);
      // A 304 carries no body (RFC 9110 §15.4.5); an empty string keeps the serialiser from writing `null`.
      if (etagMatches(req.headers['if-none-match'], etag)) return reply.code(304).header('etag', etag).header('x-lnmt-cursor', String(cursor)).send('' as unknown as null);
      const snap = await list.snapshot(q.format, 'query.format');
      return reply.header('etag', snap.etag).header('x-lnmt-cursor', String(snap.cursor)).header('cache-control', 'no-cache').type(snap.contentType).send(snap.body);
    },
  );
};
