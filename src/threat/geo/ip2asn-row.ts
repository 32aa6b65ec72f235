import { ipv4ToNumber, ipv6ToHalves } from './ip-number.js';

/**
 * One line of an iptoasn.com file (`ip2asn-v4.tsv`, `ip2asn-v6.tsv`, `ip2asn-combined.tsv`, `ip2asn-v4-u32.tsv`):
 * `range_start <TAB> range_end <TAB> AS_number <TAB> country_code <TAB> AS_description`, inclusive ranges in
 * address order. AS 0 (country `None`, "Not routed") marks unrouted space: it parses, but as `unrouted`.
 */
export type Ip2AsnRow =
  | { kind: 'v4'; start: number; end: number; asn: number; country: string; org: string }
  | { kind: 'v6'; start: { hi: bigint; lo: bigint }; end: { hi: bigint; lo: bigint }; asn: number; country: string; org: string }
  | { kind: 'unrouted' }
  | { kind: 'blank' }
  | { kind: 'malformed'; reason: string };

const DIGITS = /^\d{1,10}$/;
const MAX_U32 = 0xffff_ffff;
/** Placeholders the files use for "no country". */
const NO_COUNTRY = new Set(['', 'None', 'Unknown']);

/** An IPv4 range end point: dotted quad, or (the `-u32` file) a decimal integer. */
function v4(text: string): number | null {
  if (DIGITS.test(text)) {
    const n = Number(text);
    return n <= MAX_U32 ? n : null;
  }
  return ipv4ToNumber(text);
}

export function parseIp2AsnLine(line: string): Ip2AsnRow {
  if (line.trim() === '' || line.startsWith('#')) return { kind: 'blank' };
  const f = line.split('\t');
  if (f.length < 4) return { kind: 'malformed', reason: `expected 5 tab-separated fields, got ${f.length}` };
  const [startText = '', endText = '', asnText = '', countryText = ''] = f;
  if (!DIGITS.test(asnText) || Number(asnText) > MAX_U32) return { kind: 'malformed', reason: `bad AS number ${JSON.stringify(asnText.slice(0, 40))}` };
  const asn = Number(asnText);
  const country = NO_COUNTRY.has(countryText.trim()) ? '' : countryText.trim();
  if (country !== '' && !/^[A-Za-z]{2}$/.test(country)) return { kind: 'malformed', reason: `bad country code ${JSON.stringify(country.slice(0, 40))}` };
  // The description may itself hold tabs in a hand-edited file: keep everything after the fourth field.
  const org = f.slice(4).join('\t').trim();
  const s4 = v4(startText);
  const e4 = s4 === null ? null : v4(endText);
  if (s4 !== null && e4 !== null) {
    if (e4 < s4) return { kind: 'malformed', reason: 'range end before its start' };
    return asn === 0 ? { kind: 'unrouted' } : { kind: 'v4', start: s4, end: e4, asn, country: country.toUpperCase(), org };
  }
  const s6 = ipv6ToHalves(startText);
  const e6 = s6 === null ? null : ipv6ToHalves(endText);
  if (s6 === null || e6 === null) return { kind: 'malformed', reason: `bad address range ${JSON.stringify(`${startText} ${endText}`.slice(0, 90))}` };
  if (e6.hi < s6.hi || (e6.hi === s6.hi && e6.lo < s6.lo)) return { kind: 'malformed', reason: 'range end before its start' };
  return asn === 0 ? { kind: 'unrouted' } : { kind: 'v6', start: s6, end: e6, asn, country: country.toUpperCase(), org };
}
