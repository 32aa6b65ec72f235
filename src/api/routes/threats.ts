import { isIP } from 'node:net';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { LnmtError } from '../../core/errors.js';
import { ATTACKER_SORTS } from '../../store/repositories/threat-profile-repo.js';
import { ErrorSchema, inputErrors, Nullable, Timestamp } from '../schemas/common.js';

const tags = ['threats'];

const Counts = Type.Object({ connects: Type.Integer(), auths: Type.Integer(), logins: Type.Integer(), commands: Type.Integer(), uploads: Type.Integer(), requests: Type.Integer(), payloads: Type.Integer(), canaries: Type.Integer(), detections: Type.Integer() });

const AttackerSchema = Type.Object({
  ip: Type.String(),
  score: Type.Number({ description: 'The threat score decayed to now' }),
  first_seen: Timestamp,
  last_seen: Timestamp,
  events: Type.Integer(),
  sensors: Type.Array(Type.String()),
  services: Type.Array(Type.String()),
  ports: Type.Integer({ description: 'Distinct ports touched (bounded)' }),
  counts: Counts,
  tags: Type.Array(Type.String()),
  internal: Type.Boolean({ description: 'The source is a device of our inventory' }),
  rdns: Nullable(Type.String()),
});

const AttackerListQuery = Type.Object(
  {
    sort: Type.Union(ATTACKER_SORTS.map((s) => Type.Literal(s)), { default: 'score' }),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
    min_score: Type.Optional(Type.Number({ minimum: 0 })),
    since: Type.Optional(Timestamp),
    internal: Type.Optional(Type.Boolean()),
    ip_prefix: Type.Optional(Type.String({ minLength: 1, maxLength: 45, pattern: '^[0-9A-Fa-f:.]+$' })),
  },
  { additionalProperties: false },
);

const DeviceSchema = Type.Object({ id: Type.Integer(), ip: Type.String(), hostname: Nullable(Type.String()), mac: Nullable(Type.String()), vendor: Nullable(Type.String()), first_seen: Nullable(Type.String()) });

const DetectionSchema = Type.Object({ id: Type.String(), time: Timestamp, rule: Type.String(), rule_type: Type.String(), severity: Type.String(), score: Type.Number(), summary: Type.String(), evidence: Type.Array(Type.String()) });

const CampaignSchema = Type.Object({ id: Type.String(), kind: Type.String(), key: Type.String(), members: Type.Integer(), sources: Type.Array(Type.String()), sensors: Type.Array(Type.String()), first_seen: Timestamp, last_seen: Timestamp, score: Type.Number() });

const CampaignListQuery = Type.Object(
  {
    kind: Type.Optional(Type.Union([Type.Literal('credentials'), Type.Literal('commands'), Type.Literal('uploads'), Type.Literal('timing')])),
    sort: Type.Union([Type.Literal('score'), Type.Literal('last_seen'), Type.Literal('members')], { default: 'last_seen' }),
    since: Type.Optional(Timestamp),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  },
  { additionalProperties: false },
);

/** `/api/attackers` and `/api/campaigns`: attacker profiles by decayed score, one attacker's timeline, campaigns. */
export const threatRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const q = ctx.threat.queries;

  app.get('/api/attackers', { schema: { tags, summary: 'Attacker profiles (source IPs), highest current threat score first', querystring: AttackerListQuery, response: { 200: Type.Object({ items: Type.Array(AttackerSchema), limit: Type.Integer(), offset: Type.Integer(), more: Type.Boolean() }), ...inputErrors } } }, async (req) => {
    const r = req.query;
    const { items, more } = await q.attackers({ sort: r.sort, limit: r.limit, offset: r.offset, minScore: r.min_score, since: r.since ? Date.parse(r.since) : undefined, internal: r.internal, prefix: r.ip_prefix });
    return { items, limit: r.limit, offset: r.offset, more };
  });

  app.get(
    '/api/attackers/:ip',
    {
      schema: {
        tags,
        summary: 'One attacker: profile, detections and the timeline of its latest events',
        params: Type.Object({ ip: Type.String({ minLength: 2, maxLength: 45, description: 'an IPv4 or IPv6 address' }) }, { additionalProperties: false }),
        querystring: Type.Object({ events: Type.Integer({ minimum: 0, maximum: 10_000, default: 500 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            attacker: Type.Object({ ...AttackerSchema.properties, port_list: Type.Array(Type.Integer()), credentials: Type.Array(Type.String()), commands: Type.Array(Type.String()), uploads: Type.Array(Type.String()), geo: Type.Unknown(), device: Nullable(DeviceSchema), network: Type.Unknown() }),
            detections: Type.Array(DetectionSchema),
            timeline: Type.Array(Type.Unknown(), { description: 'Events from this source, oldest first' }),
          }),
          404: ErrorSchema,
          ...inputErrors,
        },
      },
    },
    async (req) => {
      const ip = req.params.ip;
      if (isIP(ip) === 0) throw new LnmtError('LNMT_ERR_VALIDATION', `"${ip}" is not an IP address`, { details: [{ where: 'params.ip', value: ip, message: 'not an IP address', allowed: 'an IPv4 or IPv6 address' }] });
      const r = await q.attacker(ip, { events: req.query.events, detections: 200 });
      if (!r) throw new LnmtError('LNMT_ERR_NOT_FOUND', `no attacker profile for ${ip}`, { details: [{ where: 'params.ip', value: ip, message: 'this address has not touched a honeypot' }] });
      const detections = r.detections.map((d) => {
        const body = JSON.parse(d.body) as { data: { summary: string; evidence: string[] } };
        return { id: d.id, time: new Date(Number(d.time)).toISOString(), rule: d.rule, rule_type: d.rule_type, severity: d.severity, score: Number(d.score), summary: body.data.summary, evidence: body.data.evidence };
      });
      return { attacker: r.attacker, detections, timeline: r.timeline };
    },
  );

  app.get('/api/campaigns', { schema: { tags, summary: 'Campaigns: sources and sensors sharing credentials, command sequences, uploads or timing', querystring: CampaignListQuery, response: { 200: Type.Object({ items: Type.Array(CampaignSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }), ...inputErrors } } }, async (req) => {
    const r = req.query;
    const { items, total } = await q.campaigns({ kind: r.kind, sort: r.sort, since: r.since ? Date.parse(r.since) : undefined, limit: r.limit, offset: r.offset });
    return { items, total, limit: r.limit, offset: r.offset };
  });
};
