/** Walks the JSON schema behind the config to explain what a key allows, in words a user can act on. */
type Schema = Record<string, any>;

export function schemaAt(root: Schema, path: string[]): Schema | undefined {
  let s: Schema | undefined = root;
  for (const seg of path) {
    if (!s) return undefined;
    if (s.type === 'object' && s.properties) s = s.properties[seg];
    else if (s.type === 'array' && /^\d+$/.test(seg)) s = s.items;
    else return undefined;
  }
  return s;
}

export function describeAllowed(s: Schema | undefined): string {
  if (!s) return 'nothing (unknown key)';
  if (Array.isArray(s.anyOf) && s.anyOf.every((x: Schema) => 'const' in x)) {
    return `one of ${s.anyOf.map((x: Schema) => JSON.stringify(x.const)).join(', ')}`;
  }
  // A union of objects told apart by a constant field (`{mode: never}` | `{mode: after, attempts}`).
  if (Array.isArray(s.anyOf) && s.anyOf.every((x: Schema) => x.type === 'object' && x.properties)) {
    const variant = (x: Schema) =>
      `{${Object.entries(x.properties as Record<string, Schema>).map(([k, p]) => ('const' in p ? `${k}: ${JSON.stringify(p.const)}` : k)).join(', ')}}`;
    return `one of ${s.anyOf.map(variant).join(' | ')}`;
  }
  switch (s.type) {
    case 'integer':
    case 'number': {
      const kind = s.type === 'integer' ? 'an integer' : 'a number';
      if (s.minimum !== undefined && s.maximum !== undefined) return `${kind} from ${s.minimum} to ${s.maximum}`;
      if (s.minimum !== undefined) return `${kind} >= ${s.minimum}`;
      if (s.maximum !== undefined) return `${kind} <= ${s.maximum}`;
      return kind;
    }
    case 'string': {
      // A described format (an IANA time zone, a duration) says more than "a string".
      if (s.format && s.description) return s.description;
      const parts = ['a string'];
      if (s.minLength) parts.push(`of at least ${s.minLength} character(s)`);
      if (s.maxLength) parts.push(`of at most ${s.maxLength} characters`);
      if (s.pattern) parts.push(`matching /${s.pattern}/`);
      return parts.join(' ');
    }
    case 'boolean':
      return 'true or false';
    case 'array': {
      const n = s.maxItems !== undefined ? ` (at most ${s.maxItems})` : '';
      return `a list${n} of ${describeAllowed(s.items)}`;
    }
    case 'object':
      return `a mapping with keys: ${Object.keys(s.properties ?? {}).join(', ')}`;
    default:
      return 'a valid value';
  }
}

/** Coerces an environment-variable string to the type the schema wants at that key. */
export function coerceString(s: Schema | undefined, raw: string): unknown {
  if (!s) return raw;
  switch (s.type) {
    case 'integer':
    case 'number':
      return raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
    case 'boolean':
      if (/^(true|1|yes|on)$/i.test(raw)) return true;
      if (/^(false|0|no|off)$/i.test(raw)) return false;
      return raw;
    case 'array':
      return raw.split(',').map((p) => p.trim()).filter(Boolean).map((p) => coerceString(s.items, p));
    default:
      return raw;
  }
}
