import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { randomToken, uuidv7 } from '../../core/ids.js';
import type { Database, TokenRow } from '../schema.js';

export type TokenRole = 'admin' | 'viewer';
export const TOKEN_PREFIX = 'lnmt_';

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export class TokenRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates a token and returns its secret: the only time it is ever visible. */
  async create(name: string, role: TokenRole, now = Date.now()): Promise<{ row: TokenRow; secret: string }> {
    const secret = `${TOKEN_PREFIX}${randomToken(32)}`;
    const row: TokenRow = { id: uuidv7(now), name, role, token_hash: hashToken(secret), prefix: secret.slice(0, TOKEN_PREFIX.length + 6), created_at: now, last_used_at: null, revoked_at: null };
    await this.db.insertInto('api_tokens').values(row).execute();
    return { row, secret };
  }

  list(): Promise<TokenRow[]> {
    return this.db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute();
  }

  /** Active token for a presented secret, or undefined. */
  findActive(secret: string): Promise<TokenRow | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hashToken(secret)).where('revoked_at', 'is', null).executeTakeFirst();
  }

  /** Revoke by id, id prefix (>= 8 chars) or exact name. Returns the revoked rows. */
  async revoke(ref: string, now = Date.now()): Promise<TokenRow[]> {
    const all = await this.list();
    const hits = all.filter((t) => t.revoked_at === null && (t.id === ref || t.name === ref || (ref.length >= 8 && t.id.startsWith(ref))));
    if (hits.length === 0) return [];
    await this.db.updateTable('api_tokens').set({ revoked_at: now }).where('id', 'in', hits.map((h) => h.id)).execute();
    return hits;
  }

  async touch(ids: string[], now = Date.now()): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', 'in', ids).execute();
  }
}
