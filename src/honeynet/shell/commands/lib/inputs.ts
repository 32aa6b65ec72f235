import type { CommandContext, CommandIo } from '../../command.js';
import { errorText } from '../../fs/fs-error.js';

/**
 * The inputs of a filter (`cat`, `head`, `grep`...): each operand's content, `-` or no operand meaning stdin.
 * Unreadable operands are reported as `name: op: reason` and counted in `failed`.
 */
export function readInputs(
  operands: readonly string[],
  io: CommandIo,
  ctx: CommandContext,
  name: string,
): { inputs: Array<{ name: string; text: string }>; failed: boolean } {
  const list = operands.length === 0 ? ['-'] : operands;
  const inputs: Array<{ name: string; text: string }> = [];
  let failed = false;
  for (const op of list) {
    if (op === '-') {
      inputs.push({ name: op, text: io.stdin });
      continue;
    }
    try {
      inputs.push({ name: op, text: ctx.fs.readFile(ctx.resolve(op)) });
    } catch (err) {
      io.err(`${name}: ${op}: ${errorText(err)}\n`);
      failed = true;
    }
  }
  return { inputs, failed };
}

/** Splits text into lines, keeping whether the last one ended with a newline. */
export function splitLines(text: string): { lines: string[]; trailingNewline: boolean } {
  if (text === '') return { lines: [], trailingNewline: false };
  const trailingNewline = text.endsWith('\n');
  const lines = (trailingNewline ? text.slice(0, -1) : text).split('\n');
  return { lines, trailingNewline };
}

/** Names of uids/gids for `ls -l`, `ps`, `stat`: the persona's accounts plus the session's own user. */
export function userName(ctx: CommandContext, uid: number): string {
  if (uid === ctx.login.account.uid) return ctx.login.account.name;
  return ctx.machine.accounts.find((a) => a.uid === uid)?.name ?? String(uid);
}

export function groupName(ctx: CommandContext, gid: number): string {
  const g = ctx.machine.groups.find((e) => e.gid === gid);
  if (g) return g.name;
  if (gid === ctx.login.account.gid) return ctx.login.account.name;
  return String(gid);
}

/** The account for a login name, including the session's own (possibly created) account. */
export function accountNamed(ctx: CommandContext, name: string) {
  if (name === ctx.login.account.name) return ctx.login.account;
  return ctx.machine.accounts.find((a) => a.name === name);
}
