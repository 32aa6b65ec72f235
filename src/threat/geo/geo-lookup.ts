/** An optional GeoIP/ASN lookup (`ip2asn-loader.ts` builds one from `threat.geoip.files`); off by default. */
export type GeoLookup = (ip: string) => { country?: string; asn?: number; org?: string } | null;
