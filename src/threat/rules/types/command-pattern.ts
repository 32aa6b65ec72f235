import type { RuleType } from '../rule-type.js';

/**
 * Known-bad command lines. The defaults cover what botnets type first: download-and-run droppers, making a
 * file executable, miners, and the `/bin/busybox <RANDOM>` probe Mirai variants use to detect honeypots.
 */
export const DEFAULT_COMMAND_PATTERNS: Array<{ name: string; regex: string }> = [
  { name: 'dropper', regex: '(wget|curl|tftp|ftpget)\\b[^|;&]*(\\||;|&&)\\s*(ba|da|z|k)?sh\\b' },
  { name: 'dropper', regex: '(wget|curl)\\b.*-O-?\\s*\\|' },
  { name: 'chmod-exec', regex: 'chmod\\s+(\\+x|[0-7]?[0-7][1357][0-7]|777)\\b' },
  { name: 'miner', regex: '(xmrig|minerd|cpuminer|cgminer|stratum\\+tcp|nicehash|monero|kdevtmpfsi|kinsing)' },
  { name: 'busybox-probe', regex: '/bin/busybox\\s+[A-Z0-9]{3,}' },
  { name: 'history-wipe', regex: '(history\\s+-c|unset\\s+HISTFILE|rm\\s+-rf?\\s+~?/?\\.bash_history)' },
  { name: 'ssh-key-implant', regex: '>>?\\s*~?/?(root/)?\\.ssh/authorized_keys' },
];

export const commandPatternRule = {
  name: 'command_pattern',
  description: 'a command line entered in a honeypot shell matches a known malicious pattern',
  defaultSeverity: 'high',
  params: {
    patterns: { kind: 'patterns', default: DEFAULT_COMMAND_PATTERNS, maxItems: 1000, doc: 'list of {name, regex} (case-insensitive)' },
  },
  create(p) {
    const patterns = p.patterns as Array<{ name: string; regex: RegExp }>;
    return {
      types: ['honeypot.command'],
      observe(ev) {
        if (!ev.input) return null;
        const hit = patterns.find((x) => x.regex.test(ev.input!));
        if (!hit) return null;
        const shown = ev.input.length > 120 ? `${ev.input.slice(0, 117)}...` : ev.input;
        return { summary: `${ev.src} ran a ${hit.name} command: ${shown}`, evidence: [ev.id] };
      },
      reset() {},
    };
  },
} satisfies RuleType;
