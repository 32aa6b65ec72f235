/** `$(( ))`: integer arithmetic with + - * / % ( ), comparisons and variables; nothing else is evaluated. */
export class ArithmeticError extends Error {}

const TOKEN = /\s*(\d+|[A-Za-z_][A-Za-z0-9_]*|<=|>=|==|!=|&&|\|\||[-+*/%()<>!])/y;

export function evaluateArithmetic(source: string, lookup: (name: string) => string | undefined): number {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < source.length) {
    if (/^\s*$/.test(source.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(source);
    if (!m) throw new ArithmeticError(`${source.slice(pos).trim()}: syntax error: invalid arithmetic operator (error token is "${source.slice(pos).trim()}")`);
    tokens.push(m[1]!);
    pos = TOKEN.lastIndex;
    if (tokens.length > 256) throw new ArithmeticError('expression too long');
  }
  let i = 0;
  let depth = 0;
  const peek = (): string | undefined => tokens[i];
  const int = (n: number): number => Math.trunc(n) | 0;
  const primary = (): number => {
    const t = tokens[i++];
    if (t === undefined) throw new ArithmeticError(`${source}: syntax error: operand expected (error token is "${source}")`);
    if (t === '(') {
      if (++depth > 64) throw new ArithmeticError('expression nested too deeply');
      const v = or();
      if (tokens[i++] !== ')') throw new ArithmeticError(`${source}: syntax error: missing \`)'`);
      depth--;
      return v;
    }
    if (t === '-') return int(-primary());
    if (t === '+') return primary();
    if (t === '!') return primary() === 0 ? 1 : 0;
    if (/^\d+$/.test(t)) return int(Number(t));
    if (/^[A-Za-z_]/.test(t)) {
      const v = lookup(t);
      return v && /^-?\d+$/.test(v.trim()) ? int(Number(v.trim())) : 0;
    }
    throw new ArithmeticError(`${source}: syntax error: operand expected (error token is "${t}")`);
  };
  const mul = (): number => {
    let v = primary();
    while (peek() === '*' || peek() === '/' || peek() === '%') {
      const op = tokens[i++];
      const r = primary();
      if (op !== '*' && r === 0) throw new ArithmeticError(`${source}: division by 0 (error token is "${source.trim()}")`);
      v = op === '*' ? int(Math.imul(v, r)) : op === '/' ? int(v / r) : int(v % r);
    }
    return v;
  };
  const add = (): number => {
    let v = mul();
    while (peek() === '+' || peek() === '-') v = tokens[i++] === '+' ? int(v + mul()) : int(v - mul());
    return v;
  };
  const cmp = (): number => {
    let v = add();
    for (;;) {
      const op = peek();
      if (op !== '<' && op !== '>' && op !== '<=' && op !== '>=' && op !== '==' && op !== '!=') return v;
      i++;
      const r = add();
      const res = op === '<' ? v < r : op === '>' ? v > r : op === '<=' ? v <= r : op === '>=' ? v >= r : op === '==' ? v === r : v !== r;
      v = res ? 1 : 0;
    }
  };
  const and = (): number => {
    let v = cmp();
    while (peek() === '&&') {
      i++;
      const r = cmp();
      v = v !== 0 && r !== 0 ? 1 : 0;
    }
    return v;
  };
  const or = (): number => {
    let v = and();
    while (peek() === '||') {
      i++;
      const r = and();
      v = v !== 0 || r !== 0 ? 1 : 0;
    }
    return v;
  };
  if (tokens.length === 0) return 0;
  const value = or();
  if (i < tokens.length) throw new ArithmeticError(`${source}: syntax error in expression (error token is "${tokens.slice(i).join(' ')}")`);
  return value;
}
