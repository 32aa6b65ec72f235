import type { ListenPlan } from './listen-plan.js';

/** The port each service stands for on a real host (banners by their name). */
export const STANDARD_PORTS: Readonly<Record<string, number>> = {
  ssh: 22, telnet: 23, ftp: 21, smtp: 25, http: 80, https: 443, pop3: 110, imap: 143, smb: 445, mssql: 1433,
  mysql: 3306, rdp: 3389, postgres: 5432, vnc: 5900, redis: 6379, memcached: 11211, mongodb: 27017, elasticsearch: 9200,
};

export interface NftOptions {
  /** Only traffic arriving on this interface (leave other networks and your own access alone). */
  iface?: string;
  /** Real ports never redirected (your real sshd, say): dropped from the rules with a comment. */
  keep?: number[];
  table?: string;
}

/**
 * An `nft -f` script that steers the real ports to the sensor's listeners: each service and banner from the port
 * it stands for, and every decoy through one map. The sensor itself then runs unprivileged. Rules are in their
 * own table, so `nft delete table inet <table>` removes all of them; loading the script replaces the table.
 */
export function nftRedirectScript(plan: ListenPlan, o: NftOptions = {}): string {
  const table = o.table ?? 'lnmt_honeynet';
  const keep = new Set(o.keep ?? []);
  const on = o.iface ? `iifname ${JSON.stringify(o.iface)} ` : '';
  const lines: string[] = [];
  const comments: string[] = [];
  const decoys: Array<[number, number]> = [];
  for (const p of plan.ports) {
    const real = p.key === 'decoy' ? p.connectDetail?.decoy : STANDARD_PORTS[p.label];
    if (real === undefined) {
      comments.push(`# ${p.label} (port ${p.port}): no standard port known, not redirected`);
      continue;
    }
    if (real === p.port) continue; // bound on the real port already (root)
    if (keep.has(real)) {
      comments.push(`# ${p.label}: port ${real} kept (--keep), not redirected to ${p.port}`);
      continue;
    }
    if (p.key === 'decoy') decoys.push([real, p.port]);
    else lines.push(`    ${on}tcp dport ${real} redirect to :${p.port} comment "${p.label}"`);
  }
  if (decoys.length > 0) {
    const elements = decoys.map(([real, port]) => `${real} : ${port}`);
    const rows: string[] = [];
    for (let i = 0; i < elements.length; i += 8) rows.push(`      ${elements.slice(i, i + 8).join(', ')}`);
    // The set match first: a port missing from the map must not reach the redirect.
    lines.push(`    ${on}tcp dport { ${decoys.map(([real]) => real).join(', ')} } redirect to :tcp dport map {\n${rows.join(',\n')}\n    } comment "decoys"`);
  }
  return [
    '#!/usr/sbin/nft -f',
    `# HoneyNet port redirects (lnmt honeypot nft). Load: nft -f FILE; remove: nft delete table inet ${table}`,
    ...comments,
    `table inet ${table}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    ...lines,
    '  }',
    '}',
    '',
  ].join('\n');
}
