import { LineCounter, parseDocument, isNode } from 'yaml';
import { DEFAULT_RULES } from './default-rules.js';
import { parseRule, type RuleDefinition } from './rule-definition.js';

/** A problem in a rules file: the file, line and key, and what is wrong. */
export interface RulesFileProblem {
  file: string;
  line: number | null;
  key: string;
  message: string;
}

export class RulesFileError extends Error {
  constructor(readonly problems: RulesFileProblem[]) {
    super(problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.key}: ${p.message}`).join('; '));
    this.name = 'RulesFileError';
  }
}

function keyOf(path: Array<string | number>): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}

/** The built-in rules alone. */
export function defaultRules(): RuleDefinition[] {
  return DEFAULT_RULES.map((r) => {
    const { rule, problems } = parseRule(r);
    if (!rule) throw new Error(`built-in rule ${String(r.name)} is invalid: ${problems.map((p) => p.message).join('; ')}`);
    return rule;
  });
}

/**
 * Parses a rules file: `defaults: true|false` (keep the built-in rules, default true) and `rules: [...]`.
 * Every problem is collected with its line, so one edit can fix them all; any problem rejects the whole file
 * (the caller keeps the rules it had).
 */
export function parseRulesFile(text: string, file: string): RuleDefinition[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const lineAt = (offset: number | undefined) => (offset === undefined ? null : lc.linePos(offset).line);
  const problems: RulesFileProblem[] = [];
  for (const e of doc.errors) problems.push({ file, line: lineAt(e.pos[0]), key: '(syntax)', message: e.message.split('\n')[0]! });
  if (problems.length) throw new RulesFileError(problems);
  const lineOf = (path: Array<string | number>) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lineAt(node.range[0]);
    }
    return null;
  };
  const data = (doc.toJS() ?? {}) as unknown;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new RulesFileError([{ file, line: 1, key: '(top level)', message: 'must be a mapping with `rules: [...]`' }]);
  const top = data as Record<string, unknown>;
  for (const k of Object.keys(top)) if (k !== 'rules' && k !== 'defaults') problems.push({ file, line: lineOf([k]), key: k, message: 'unknown key; allowed: defaults, rules' });
  if (top.defaults !== undefined && typeof top.defaults !== 'boolean') problems.push({ file, line: lineOf(['defaults']), key: 'defaults', message: 'must be true or false' });
  const list = top.rules ?? [];
  if (!Array.isArray(list)) problems.push({ file, line: lineOf(['rules']), key: 'rules', message: 'must be a list of rules' });
  const own: RuleDefinition[] = [];
  const names = new Set<string>();
  if (Array.isArray(list)) {
    list.forEach((raw, i) => {
      const { rule, problems: ps } = parseRule(raw);
      for (const p of ps) problems.push({ file, line: lineOf(['rules', i, ...p.path]), key: keyOf(['rules', i, ...p.path]), message: p.message });
      if (rule) {
        if (names.has(rule.name)) problems.push({ file, line: lineOf(['rules', i, 'name']), key: keyOf(['rules', i, 'name']), message: `duplicate rule name ${rule.name}` });
        names.add(rule.name);
        own.push(rule);
      }
    });
  }
  if (problems.length) throw new RulesFileError(problems);
  const base = top.defaults === false ? [] : defaultRules().filter((r) => !names.has(r.name));
  return [...base, ...own];
}
