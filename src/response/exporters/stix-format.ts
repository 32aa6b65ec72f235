import { createHash } from 'node:crypto';
import type { BlocklistEntry } from '../decision.js';
import type { BlocklistFormat, ExportContext } from './blocklist-format.js';

/** Namespace of LNMT's name-based (v5) STIX ids, so the identity of a node keeps its id from one pull to the next. */
const LNMT_NAMESPACE = '4c4e4d54-0000-5000-8000-6c6e6d742e69';

/** RFC 4122 version-5 UUID of `name` in `namespace`. */
export function uuidv5(name: string, namespace = LNMT_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** `[ipv4-addr:value = '198.51.100.0/24']`: STIX patterns take CIDR values for both address types. */
export function stixPattern(e: Pick<BlocklistEntry, 'target' | 'family'>): string {
  return `[${e.family === 4 ? 'ipv4-addr' : 'ipv6-addr'}:value = '${e.target}']`;
}

function indicator(e: BlocklistEntry, identity: string, ctx: ExportContext) {
  return {
    type: 'indicator',
    spec_version: '2.1',
    // The decision id is a UUIDv7: a valid RFC 4122 UUID, stable for the decision's life.
    id: `indicator--${e.id}`,
    created_by_ref: identity,
    created: iso(e.created_at),
    modified: iso(e.created_at),
    name: `Banned source ${e.target}`,
    description: e.reason,
    indicator_types: ['malicious-activity'],
    pattern: stixPattern(e),
    pattern_type: 'stix',
    pattern_version: '2.1',
    valid_from: iso(e.created_at),
    ...(e.expires_at !== null ? { valid_until: iso(Math.max(e.expires_at, e.created_at + 1)) } : {}),
    labels: [`origin:${e.origin}`, ...(e.rule ? [`rule:${e.rule}`] : [])],
    external_references: [{ source_name: 'lnmt', external_id: e.id, description: `LNMT decision on ${ctx.node}` }],
  };
}

/** A STIX 2.1 bundle: this node's identity and one indicator per banned target (OASIS STIX 2.1, section 4.7). */
export const stixFormat = {
  name: 'stix',
  contentType: 'application/stix+json;version=2.1',
  description: 'STIX 2.1 bundle: an identity for this node and one indicator per banned target',
  render(entries, ctx) {
    const identity = `identity--${uuidv5(`node:${ctx.node}`)}`;
    const epoch = iso(0);
    const objects: unknown[] = [
      { type: 'identity', spec_version: '2.1', id: identity, created: epoch, modified: epoch, name: `LNMT ${ctx.node}`, identity_class: 'system', description: 'LNMT honeypot sensor / hub that made these decisions' },
      ...entries.map((e) => indicator(e, identity, ctx)),
    ];
    // Named after the snapshot (node, cursor, size), so the same blocklist gives the same bundle.
    return JSON.stringify({ type: 'bundle', id: `bundle--${uuidv5(`bundle:${ctx.node}:${ctx.cursor}:${entries.length}`)}`, objects });
  },
} satisfies BlocklistFormat;
