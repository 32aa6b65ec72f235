import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { LnmtError } from '../../core/errors.js';
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

  /**
   * Revoke by exact id or name, or else by an id prefix (>= 8 chars) that matches exactly one token: ids are
   * UUIDv7, so a short prefix is a time window that can cover several tokens. Returns the revoked rows.
   */
  async revoke(ref: string, now = Date.now()): Promise<TokenRow[]> {
    const active = (await this.list()).filter((t) => t.revoked_at === null);
    let hits = active.filter((t) => t.id === ref || t.name === ref);
    if (hits.length === 0 && ref.length >= 8) {
      hits = active.filter((t) => t.id.startsWith(ref));
      if (hits.length > 1) {
        throw new LnmtError('LNMT_ERR_CONFLICT', `id prefix "${ref}" matches ${hits.length} tokens; give more of the id or the name`, {
          details: [{ where: '<id|name>', value: ref, message: 'ambiguous id prefix', allowed: hits.map((h) => h.id).join(', ') }],
        });
      }
    }
    if (hits.length === 0) return [];
    await this.db.updateTable('api_tokens').set({ revoked_at: now }).where('id', 'in', hits.map((h) => h.id)).execute();
    return hits;
  }

  async touch(ids: string[], now = Date.now()): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', 'in', ids).execute();
  }
}
