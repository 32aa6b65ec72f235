import { createHash } from 'node:crypto';
import type { Persona } from '../../persona/persona.js';

/**
 * The names a persona's web site shows (page titles, brand, realm, router model) and stable per-install secrets
 * for bait files. Everything is derived from the persona (its id seeds the choices), so one install always shows
 * the same site and no two installs share a title, realm or fake key.
 */
export interface SiteIdentity {
  hostname: string;
  /** `host.domain`, or the hostname without a domain. */
  fqdn: string;
  /** A display name for the organisation: from the domain (`acme-corp.lan` → `Acme Corp`), else the hostname. */
  org: string;
  /** A lowercase slug of the organisation (database names, repositories). */
  slug: string;
  /** Picks one of `options`, the same one every time for this persona and `label`. */
  pick<T>(label: string, options: readonly T[]): T;
  /** Stable hex bytes for this persona and `label`. */
  hex(label: string, bytes: number): string;
  /** Stable characters from `alphabet`. */
  chars(label: string, n: number, alphabet: string): string;
  /** A stable time (epoch ms) between `daysAgoMax` and `daysAgoMin` days before the persona's boot. */
  pastTime(label: string, daysAgoMin: number, daysAgoMax: number): number;
}

const GENERIC_DOMAIN_PARTS = new Set(['local', 'lan', 'localdomain', 'internal', 'intra', 'corp', 'home', 'com', 'net', 'org', 'io', 'de', 'uk', 'co', 'eu', 'fr', 'nl', 'it', 'es']);

function titleCase(words: string[]): string {
  return words.map((w) => (w.length <= 3 && /^[a-z]+$/.test(w) && words.length > 1 ? w.toUpperCase() : w.charAt(0).toUpperCase() + w.slice(1))).join(' ');
}

export function siteIdentity(persona: Persona): SiteIdentity {
  const fqdn = persona.domain ? `${persona.hostname}.${persona.domain}` : persona.hostname;
  const orgPart = persona.domain.split('.').find((p) => p && !GENERIC_DOMAIN_PARTS.has(p.toLowerCase()));
  const words = (orgPart ?? persona.hostname).split(/[-_.]+/).filter(Boolean);
  const org = titleCase(words.length ? words : [persona.hostname]);
  const slug = (orgPart ?? persona.hostname).toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'app';
  const digest = (label: string, n: number): Buffer => {
    const out: Buffer[] = [];
    for (let i = 0; out.length * 32 < n; i++) out.push(createHash('sha256').update(`http:${persona.id}:${persona.machineId}:${label}:${i}`).digest());
    return Buffer.concat(out).subarray(0, n);
  };
  return {
    hostname: persona.hostname,
    fqdn,
    org,
    slug,
    pick: (label, options) => options[digest(label, 4).readUInt32BE(0) % options.length]!,
    hex: (label, bytes) => digest(label, bytes).toString('hex'),
    chars: (label, n, alphabet) => [...digest(label, n)].map((b) => alphabet[b % alphabet.length]).join(''),
    pastTime: (label, min, max) => {
      const span = Math.max(1, max - min) * 86_400_000;
      return Math.floor((persona.bootTime - min * 86_400_000 - (digest(label, 4).readUInt32BE(0) % span)) / 1000) * 1000;
    },
  };
}
