/**
 * When a honeypot lets an attacker in: `never` (every attempt fails, the safest for pure credential
 * collection), `credentials` (only listed username/password pairs; `*` matches any), `after` (the Nth attempt of a
 * connection succeeds, whatever it is — how brute-force bots are kept talking), or `probability` (each attempt
 * succeeds with probability p). Attempts are counted per connection.
 */
export type AuthPolicySpec =
  | { mode: 'never' }
  | { mode: 'credentials'; credentials: Array<{ username: string; password: string }> }
  | { mode: 'after'; attempts: number }
  | { mode: 'probability'; p: number };

export class AuthPolicy {
  constructor(private readonly spec: AuthPolicySpec, private readonly random: () => number = Math.random) {}

  /** `attempt` counts from 1 within the connection. Public keys never match `credentials` (no password). */
  accepts(username: string, password: string | null, attempt: number): boolean {
    switch (this.spec.mode) {
      case 'never':
        return false;
      case 'credentials':
        return password !== null && this.spec.credentials.some((c) => (c.username === '*' || c.username === username) && (c.password === '*' || c.password === password));
      case 'after':
        return attempt >= this.spec.attempts;
      case 'probability':
        return this.random() < this.spec.p;
    }
  }
}
