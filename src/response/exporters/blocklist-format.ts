import type { BlocklistEntry } from '../decision.js';
import type { NftTarget } from '../enforce/nft-script.js';

/** What every exporter may use besides the entries. */
export interface ExportContext {
  now: number;
  /** This node's name (STIX identity, comments). */
  node: string;
  /** The change-log cursor the snapshot corresponds to. */
  cursor: number;
  nft: NftTarget;
}

/** A blocklist format: one small module each, registered in `exporters/index.ts`. */
export interface BlocklistFormat {
  readonly name: string;
  readonly contentType: string;
  readonly description: string;
  render(entries: readonly BlocklistEntry[], ctx: ExportContext): string;
}
