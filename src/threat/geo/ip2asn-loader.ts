import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LnmtError } from '../../core/errors.js';
import type { GeoLookup } from './geo-lookup.js';
import { ipToNumber } from './ip-number.js';
import { parseIp2AsnLine } from './ip2asn-row.js';
import { Ipv4Ranges, Ipv6Ranges } from './range-table.js';

/** The config key the files come from, named in every error. */
const KEY = 'threat.geoip.files';
/** A "line" longer than this means the file is not a TSV at all (binary, or a different format). */
const MAX_LINE = 1 << 20;
/** Malformed lines quoted in the result (and so in the log); the rest are only counted. */
const SAMPLES = 3;

export interface GeoDatabase {
  lookup: GeoLookup;
  /** Routed ranges held (IPv4 and IPv6). */
  ranges: number;
  /** Lines skipped as malformed, over all files, and the first few of them (`file:line: reason`). */
  malformed: number;
  samples: string[];
}

interface GeoValue {
  asn: number;
  country: string;
  org: string;
}

/**
 * Loads iptoasn.com `ip2asn-*.tsv` files (plain or gzip, told by the `.gz` extension or the gzip magic bytes)
 * into sorted typed arrays and returns a lookup over them: `{ country, asn, org }` for a routed address, null
 * for unrouted space (AS 0), addresses in no range, and anything that is not an IP address.
 * Malformed lines are counted and skipped; a file that cannot be read, or has no valid row, is an `LnmtError`
 * naming `threat.geoip.files[i]` and the path (and the line, where one is at fault).
 */
export async function loadGeoLookup(files: string[]): Promise<GeoDatabase> {
  const v4 = new Ipv4Ranges();
  const v6 = new Ipv6Ranges();
  const values: GeoValue[] = [];
  // Rows of one AS nearly always share its country and name: ids by AS number, then a short scan.
  const valueIds = new Map<number, number[]>();
  const valueOf = (asn: number, country: string, org: string): number => {
    let ids = valueIds.get(asn);
    if (!ids) valueIds.set(asn, (ids = []));
    for (const id of ids) if (values[id]!.country === country && values[id]!.org === org) return id;
    const id = values.length;
    // Copied: `org` is a slice of its line, and V8 would keep the whole line alive for it.
    values.push({ asn, country, org: Buffer.from(org, 'utf8').toString('utf8') });
    ids.push(id);
    return id;
  };
  let malformed = 0;
  const samples: string[] = [];

  for (const [i, path] of files.entries()) {
    const where = `${KEY}[${i}]`;
    let valid = 0;
    let firstBad = '';
    await forEachLine(path, where, (line, no) => {
      const row = parseIp2AsnLine(line);
      switch (row.kind) {
        case 'v4':
          v4.add(row.start, row.end, valueOf(row.asn, row.country, row.org));
          valid++;
          break;
        case 'v6':
          v6.add(row.start, row.end, valueOf(row.asn, row.country, row.org));
          valid++;
          break;
        case 'unrouted':
          valid++;
          break;
        case 'malformed':
          malformed++;
          if (!firstBad) firstBad = `line ${no}: ${row.reason}`;
          if (samples.length < SAMPLES) samples.push(`${path}:${no}: ${row.reason}`);
          break;
        case 'blank':
          break;
      }
    });
    if (valid === 0) {
      const why = firstBad ? `no valid ip2asn row (first bad ${firstBad})` : 'no ip2asn rows (the file is empty)';
      throw new LnmtError('LNMT_ERR_CONFIG', `${where}: ${path} has ${why}`, {
        details: [{ where, value: path, allowed: 'an iptoasn.com ip2asn-*.tsv file (tab-separated: range_start range_end AS_number country_code AS_description), optionally gzipped', message: `no valid rows${firstBad ? `; ${firstBad}` : ''}` }],
      });
    }
  }
  v4.seal();
  v6.seal();
  valueIds.clear();

  const lookup: GeoLookup = (ip) => {
    const n = ipToNumber(ip);
    if (!n) return null;
    const id = n.family === 4 ? v4.find(n.n) : v6.find(n.hi, n.lo);
    const v = id >= 0 ? values[id] : undefined;
    if (!v) return null;
    // A fresh object each time: the caller keeps it in a profile it may change.
    return { asn: v.asn, ...(v.country ? { country: v.country } : {}), ...(v.org ? { org: v.org } : {}) };
  };
  return { lookup, ranges: v4.size + v6.size, malformed, samples };
}

/** Streams a text file, gunzipping it if needed, and calls `onLine` with each line (no line ending) and its number. */
async function forEachLine(path: string, where: string, onLine: (line: string, no: number) => void): Promise<void> {
  const fail = (message: string, cause?: unknown) =>
    new LnmtError('LNMT_ERR_CONFIG', `${where}: cannot read ${path}: ${message}`, { details: [{ where, value: path, message }], cause });
  let input: Readable;
  try {
    const fh = await open(path, 'r');
    const magic = Buffer.alloc(2);
    try {
      await fh.read(magic, 0, 2, 0);
    } catch (err) {
      await fh.close();
      throw err;
    }
    const gz = path.endsWith('.gz') || (magic[0] === 0x1f && magic[1] === 0x8b);
    const raw = fh.createReadStream({ start: 0, highWaterMark: 1 << 16 });
    if (gz) {
      const gunzip = createGunzip();
      raw.on('error', (err) => gunzip.destroy(err));
      input = raw.pipe(gunzip);
    } else input = raw;
  } catch (err) {
    throw fail((err as Error).message, err);
  }
  // Lines are cut from the bytes (a '\n' byte is never inside a UTF-8 sequence) and decoded one by one, so each
  // is its own small string rather than a slice that would keep a whole 64 KiB chunk alive.
  let rest: Buffer | null = null;
  let no = 0;
  try {
    for await (const chunk of input) {
      const buf: Buffer = rest ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
      let from = 0;
      for (let nl = buf.indexOf(10, from); nl >= 0; nl = buf.indexOf(10, from)) {
        const end = nl > from && buf[nl - 1] === 13 ? nl - 1 : nl;
        onLine(buf.toString('utf8', from, end), ++no);
        from = nl + 1;
      }
      rest = from < buf.length ? buf.subarray(from) : null;
      if (rest && rest.length > MAX_LINE) throw new Error(`line ${no + 1} is longer than ${MAX_LINE} bytes: not a text file of ip2asn rows`);
    }
  } catch (err) {
    input.destroy();
    throw fail((err as Error).message, err);
  }
  if (rest) {
    const end = rest[rest.length - 1] === 13 ? rest.length - 1 : rest.length;
    onLine(rest.toString('utf8', 0, end), ++no);
  }
}
