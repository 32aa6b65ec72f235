import type { BlocklistFormat } from './blocklist-format.js';
import { ipsetFormat } from './ipset-format.js';
import { jsonFormat } from './json-format.js';
import { nftFormat } from './nft-format.js';
import { plainFormat } from './plain-format.js';
import { stixFormat } from './stix-format.js';

/** The blocklist formats, by name (`?format=`, `lnmt blocklist --format`). A new format is one file added here. */
export const BLOCKLIST_FORMATS: Readonly<Record<string, BlocklistFormat>> = Object.fromEntries(
  [plainFormat, jsonFormat, nftFormat, ipsetFormat, stixFormat].map((f) => [f.name, f]),
);

export const BLOCKLIST_FORMAT_NAMES = Object.keys(BLOCKLIST_FORMATS);
