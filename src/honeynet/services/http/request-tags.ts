import type { HttpRequest } from './http-request-parser.js';

/**
 * Tags a request gets from what it carries, wherever it is sent: known scanners by their user agent, and exploit
 * signatures in the target, headers or body. Two tables, one row per signature; routes add their own tags.
 */
const SCANNERS: ReadonlyArray<[RegExp, string]> = [
  [/Nmap Scripting Engine|\bnmap\b/i, 'scanner:nmap'],
  [/zgrab/i, 'scanner:zgrab'],
  [/masscan/i, 'scanner:masscan'],
  [/Nuclei|projectdiscovery/i, 'scanner:nuclei'],
  [/sqlmap/i, 'scanner:sqlmap'],
  [/Nikto/i, 'scanner:nikto'],
  [/WPScan/i, 'scanner:wpscan'],
  [/gobuster/i, 'scanner:gobuster'],
  [/DirBuster/i, 'scanner:dirbuster'],
  [/Fuzz Faster U Fool|\bffuf\b/i, 'scanner:ffuf'],
  [/feroxbuster/i, 'scanner:feroxbuster'],
  [/\(Hydra\)|\bhydra\b/i, 'scanner:hydra'],
  [/CensysInspect/i, 'scanner:censys'],
  [/Expanse/i, 'scanner:expanse'],
  [/l9explore|l9tcpid|LeakIX/i, 'scanner:leakix'],
  [/internet-measurement\.com/i, 'scanner:driftnet'],
  [/Odin|odin\.io/, 'scanner:odin'],
  [/ShadowServer|shadowserver/i, 'scanner:shadowserver'],
  [/Go-http-client/, 'client:go-http'],
  [/python-requests|aiohttp|python-urllib/i, 'client:python'],
  [/^curl\//, 'client:curl'],
  [/^Wget\//, 'client:wget'],
];

interface Signature {
  tag: string;
  /** Tested against the raw target and its %-decoded form. */
  target?: RegExp;
  /** Tested against every header value. */
  header?: RegExp;
  /** Tested against the captured body (latin1 text, and %-decoded). */
  body?: RegExp;
}

// Every pattern is linear: no nested or overlapping quantifiers, and gaps are bounded ({0,200}), since the
// input is hostile (up to 16 KB of target and 64 KB of body per request).
const SQLI = /union(\s|\+|%20)+(all(\s|\+|%20)+)?select|\bsleep\(\s*\d|benchmark\(|'\s*or\s*'1'\s*=\s*'1/i;
const CMD = /\b(wget|curl|tftp)\b.{0,200}?(https?:\/\/|ftp:\/\/|\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})|;\s*(chmod|busybox|sh\s)|\|\s*sh\b|\$\([^)]{1,200}\)|`[^`]{1,200}`|busybox/i;

const SIGNATURES: readonly Signature[] = [
  { tag: 'exploit:shellshock', header: /^\s*\(\)\s*\{/, target: /\(\)\s*\{\s*:;\s*\}/ },
  { tag: 'exploit:traversal', target: /(^|[/\\])\.\.([/\\]|$)|%2e%2e|\.%2e|%2e\.|%c0%ae|%252e/i },
  { tag: 'exploit:log4shell', target: /\$\{\s*(jndi|\$\{|lower:|upper:|::-)/i, header: /\$\{\s*(jndi|\$\{|lower:|upper:|::-)/i, body: /\$\{\s*(jndi|\$\{|lower:|upper:)/i },
  { tag: 'exploit:phpunit', target: /eval-stdin\.php/i },
  { tag: 'exploit:thinkphp', target: /invokefunction|think\\app|\\think\\/i },
  { tag: 'exploit:php-cgi', target: /allow_url_include|auto_prepend_file|^[^?]*\?-d\b|%ADd/i },
  { tag: 'exploit:sqli', target: SQLI, body: SQLI },
  { tag: 'exploit:xss', target: /<script|%3cscript|javascript:|onerror=/i },
  { tag: 'exploit:cmd', target: CMD, body: CMD },
  { tag: 'exploit:gpon', target: /GponForm/i },
  { tag: 'exploit:boaform', target: /\/boaform\//i },
  { tag: 'exploit:netgear', target: /setup\.cgi\?.*todo=syscmd|\/shell\?/i },
  { tag: 'exploit:luci', target: /\/cgi-bin\/luci\/;stok=/i },
];

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

export function scannerTags(userAgent: string | undefined): string[] {
  if (!userAgent) return [];
  return SCANNERS.filter(([re]) => re.test(userAgent)).map(([, tag]) => tag);
}

export function signatureTags(req: HttpRequest, bodyText: string): string[] {
  const target = req.target.slice(0, 16_384);
  const decoded = decode(target);
  const body = bodyText.slice(0, 65_536);
  const tags: string[] = [];
  for (const s of SIGNATURES) {
    if (
      (s.target && (s.target.test(target) || s.target.test(decoded))) ||
      (s.header && req.headers.some(([, v]) => s.header!.test(v))) ||
      (s.body && body && (s.body.test(body) || s.body.test(decode(body))))
    ) tags.push(s.tag);
  }
  return tags;
}
