import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { LnmtError } from '../../core/errors.js';
import type { TokenRow } from '../../store/schema.js';
import { FlagCheck } from '../flags.js';
import { ago, dash, isoTime, renderTable, shortTime } from '../format.js';
import type { CliRuntime, CommandGroup } from '../runtime.js';

const ROLES = ['admin', 'viewer'] as const;

/** `lnmt token create|list|revoke`: API bearer tokens. Secrets are stored hashed and shown once. */
export const tokenCommands: CommandGroup = {
  name: 'token',
  register(program, rt) {
    const token = program.command('token').description('create, list and revoke API bearer tokens');

    token
      .command('create')
      .description('create a token and print its secret (once: it is stored hashed and cannot be shown again)')
      .requiredOption('--role <role>', `what the token may do: ${ROLES.join(' (read and write), ')} (read only)`)
      .option('--name <name>', 'a label to recognise and revoke it by (default: <role>-<time>)')
      .option('--json', 'print {id, name, role, prefix, created_at, secret} as JSON')
      .addHelpText('after', '\nThe secret alone goes to stdout, so `TOKEN=$(lnmt token create --role viewer)` captures it.')
      .action(async (opts, cmd) => create(rt, cmd as unknown as CommandUnknownOpts, opts));

    token
      .command('list')
      .alias('ls')
      .description('list tokens (never their secrets): id, name, role, prefix, created, last used, revoked')
      .option('--json', 'print the tokens as JSON')
      .action(async (opts, cmd) => list(rt, cmd as unknown as CommandUnknownOpts, opts));

    token
      .command('revoke')
      .description('revoke a token by id, unique id prefix (8+ characters) or name; a running server stops accepting it within 5 s')
      .argument('<id|name>', 'token id, id prefix or name')
      .option('--json', 'print the revoked tokens as JSON')
      .action(async (ref, opts, cmd) => revoke(rt, cmd as unknown as CommandUnknownOpts, ref, opts));
  },
};

function tokenView(t: TokenRow) {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    prefix: t.prefix,
    created_at: isoTime(t.created_at),
    last_used_at: isoTime(t.last_used_at),
    revoked_at: isoTime(t.revoked_at),
  };
}

async function create(rt: CliRuntime, cmd: CommandUnknownOpts, o: { role: string; name?: string; json?: boolean }): Promise<void> {
  const check = new FlagCheck();
  const role = check.choice('--role', o.role, ROLES);
  const name = o.name === undefined ? undefined : check.text('--name', o.name, 64);
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const now = Date.now();
    const label = name ?? `${role}-${new Date(now).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}`;
    const existing = (await ctx.repos.tokens.list()).find((t) => t.name === label && t.revoked_at === null);
    if (existing) {
      throw new LnmtError('LNMT_ERR_CONFLICT', `an active token named "${label}" already exists (id ${existing.id})`, {
        details: [{ where: '--name', value: label, message: 'name in use', allowed: 'a name no active token has (names are how tokens are revoked)' }],
      });
    }
    const { row, secret } = await ctx.repos.tokens.create(label, role!, now);
    if (o.json) {
      rt.json({ ...tokenView(row), secret });
    } else {
      rt.print(secret);
    }
    rt.note(`created ${row.role} token "${row.name}" (id ${row.id}).`);
    rt.note(rt.ce.yellow('Copy the secret now: it is stored hashed and cannot be shown again.'));
    rt.note('Use it as: Authorization: Bearer <secret>');
  });
}

async function list(rt: CliRuntime, cmd: CommandUnknownOpts, o: { json?: boolean }): Promise<void> {
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const tokens = await ctx.repos.tokens.list();
    if (o.json) return rt.json(tokens.map(tokenView));
    if (tokens.length === 0) {
      rt.print('no tokens (create one with `lnmt token create --role admin|viewer`)');
      return;
    }
    const now = Date.now();
    rt.print(
      renderTable(
        ['ID', 'NAME', 'ROLE', 'PREFIX', 'CREATED (UTC)', 'LAST USED', 'REVOKED'].map((h) => rt.c.bold(h)),
        tokens.map((t) => [t.id, t.name, t.role, `${t.prefix}…`, shortTime(t.created_at), ago(t.last_used_at, now), t.revoked_at ? rt.c.red(shortTime(t.revoked_at)) : dash(null)]),
      ),
    );
  });
}

async function revoke(rt: CliRuntime, cmd: CommandUnknownOpts, ref: string, o: { json?: boolean }): Promise<void> {
  const check = new FlagCheck();
  check.text('<id|name>', ref, 200);
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const revoked = await ctx.repos.tokens.revoke(ref);
    if (revoked.length === 0) {
      const known = (await ctx.repos.tokens.list()).find((t) => t.id === ref || t.name === ref);
      throw new LnmtError('LNMT_ERR_NOT_FOUND', known ? `token "${ref}" is already revoked` : `no active token with id, id prefix or name "${ref}"`);
    }
    if (o.json) return rt.json(revoked.map((t) => ({ ...tokenView(t), revoked_at: new Date().toISOString() })));
    for (const t of revoked) rt.print(`revoked ${t.role} token "${t.name}" (id ${t.id})`);
  });
}
