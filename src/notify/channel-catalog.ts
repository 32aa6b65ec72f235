import { NAME_PATTERN, type ConfigChannel, type NotifyConfig } from '../core/config/sections/notify.js';
import { LnmtError, type ErrorDetail } from '../core/errors.js';
import { uuidv7 } from '../core/ids.js';
import type { NotifyChannelRepo } from '../store/repositories/notify-channel-repo.js';
import type { NotifyChannelRow } from '../store/tables/notify.js';
import type { ChannelType } from './channel-type.js';
import { CHANNEL_TYPES } from './channels/index.js';
import { checkFilter, type ChannelFilter } from './filter.js';
import { maskSettings, mergeSettings, resolveEnvRefs } from './secrets.js';
import { relocate } from './settings-check.js';

/** A channel with its real settings: for the dispatcher only, never for output (see `channelView`). */
export interface ChannelDef {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
  /** `store`: made with the API or CLI; `config`: declared in `notify.channels` (read-only). */
  source: 'store' | 'config';
  /** Validated settings (defaults applied, secrets resolved); null when `problem` says why not. */
  settings: Record<string, unknown> | null;
  /** Settings as written: the stored JSON, or the config file's (with `env:` references). */
  declared: Record<string, unknown>;
  filter: ChannelFilter;
  /** Why the channel cannot deliver (a missing environment variable, an unknown type); null when fine. */
  problem: string | null;
  createdAt: number | null;
  updatedAt: number | null;
}

/** A channel as the API and CLI show it: secrets masked. */
export interface ChannelView {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
  source: 'store' | 'config';
  settings: Record<string, unknown>;
  filter: ChannelFilter;
  problem: string | null;
  created_at: string | null;
  updated_at: string | null;
}

export interface ChannelInput {
  name: string;
  type: string;
  enabled?: boolean | undefined;
  settings?: Record<string, unknown> | undefined;
  filter?: unknown;
}

export interface ChannelPatch {
  name?: string | undefined;
  enabled?: boolean | undefined;
  /** Merged into the current settings (null removes a field; a masked secret sent back is kept). */
  settings?: Record<string, unknown> | undefined;
  /** Replaces the filter. */
  filter?: unknown;
}

/** Maps a field path (`name`, `settings.url`, `filter.devices[0]`) to where the user wrote it. */
export type WhereMap = (field: string) => string;

export const CONFIG_ID_PREFIX = 'config:';

export function channelView(def: ChannelDef, types: Readonly<Record<string, ChannelType<any>>> = CHANNEL_TYPES): ChannelView {
  const type = types[def.type];
  const settings = type ? maskSettings(type, def.settings ?? def.declared, def.source === 'config' ? def.declared : undefined) : {};
  return {
    id: def.id,
    name: def.name,
    type: def.type,
    enabled: def.enabled,
    source: def.source,
    settings,
    filter: def.filter,
    problem: def.problem,
    created_at: def.createdAt === null ? null : new Date(def.createdAt).toISOString(),
    updated_at: def.updatedAt === null ? null : new Date(def.updatedAt).toISOString(),
  };
}

export interface ChannelCatalogOptions {
  repo: NotifyChannelRepo;
  config: NotifyConfig;
  env: NodeJS.ProcessEnv;
  now?: () => number;
  types?: Readonly<Record<string, ChannelType<any>>>;
}

/**
 * Every notification channel: those stored (created with the API or CLI, editable) and those declared in the
 * config file (read-only: the file is their source of truth, so they are never copied into the store). Config
 * channels are checked when the catalog is built: a mistake is LNMT_ERR_CONFIG naming `notify.channels[i]...`.
 */
export class ChannelCatalog {
  private readonly types: Readonly<Record<string, ChannelType<any>>>;
  private readonly now: () => number;
  private readonly fromConfig: ChannelDef[];
  private readonly listeners: Array<() => Promise<void> | void> = [];

  constructor(private readonly o: ChannelCatalogOptions) {
    this.types = o.types ?? CHANNEL_TYPES;
    this.now = o.now ?? Date.now;
    this.fromConfig = this.loadConfigChannels(o.config.channels);
  }

  /** Awaited after every change made through this catalog (the dispatcher reloads its queues). */
  onChange(fn: () => Promise<void> | void): void {
    this.listeners.push(fn);
  }

  async list(): Promise<ChannelDef[]> {
    const stored = (await this.o.repo.list()).map((r) => this.fromRow(r));
    return [...this.fromConfig, ...stored].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** By id or name. */
  async find(ref: string): Promise<ChannelDef | undefined> {
    const cfg = this.fromConfig.find((c) => c.id === ref || c.name === ref);
    if (cfg) return cfg;
    const row = (await this.o.repo.get(ref)) ?? (await this.o.repo.getByName(ref));
    return row ? this.fromRow(row) : undefined;
  }

  async get(ref: string, where: string): Promise<ChannelDef> {
    const def = await this.find(ref);
    if (!def) throw new LnmtError('LNMT_ERR_NOT_FOUND', `no notification channel with id or name "${ref}"`, { details: [{ where, value: ref, message: 'no such channel', allowed: 'a channel id or name (see `lnmt notify channels list`)' }] });
    return def;
  }

  async create(input: ChannelInput, where: WhereMap): Promise<ChannelDef> {
    // Every problem at once: the name, the type, each setting and each filter entry.
    const problems = new Problems();
    const name = problems.run(() => checkName(input.name, where));
    const type = problems.run(() => this.typeOf(input.type, where));
    const settings = type ? problems.run(() => this.validate(type, input.settings ?? {}, where)) : undefined;
    const filter = problems.run(() => this.filter(input.filter, where));
    problems.throwIfAny();
    if (!name || !type || !settings || !filter) throw new Error('unreachable: validation passed without values');
    await this.assertNameFree(name, null, where);
    const now = this.now();
    const row: NotifyChannelRow = { id: uuidv7(now), name, type: type.type, enabled: input.enabled === false ? 0 : 1, settings: JSON.stringify(settings), filter: JSON.stringify(filter), created_at: now, updated_at: now };
    try {
      await this.o.repo.insert(row);
    } catch (err) {
      // Another process took the name between the check and the insert (unique index).
      if (await this.o.repo.getByName(name)) throw nameTaken(name, where);
      throw err;
    }
    await this.changed();
    return this.fromRow(row);
  }

  async update(ref: string, patch: ChannelPatch, where: WhereMap, refWhere: string): Promise<ChannelDef> {
    const def = await this.get(ref, refWhere);
    this.assertEditable(def, refWhere);
    const type = this.typeOf(def.type, where);
    const changes: Parameters<NotifyChannelRepo['update']>[1] = {};
    const problems = new Problems();
    if (patch.name !== undefined && patch.name !== def.name) {
      const name = problems.run(() => checkName(patch.name!, where));
      if (name) changes.name = name;
    }
    if (patch.enabled !== undefined) changes.enabled = patch.enabled ? 1 : 0;
    if (patch.settings !== undefined) {
      const settings = problems.run(() => this.validate(type, mergeSettings(type, def.declared, patch.settings!), where));
      if (settings) changes.settings = JSON.stringify(settings);
    }
    if (patch.filter !== undefined) {
      const filter = problems.run(() => this.filter(patch.filter, where));
      if (filter) changes.filter = JSON.stringify(filter);
    }
    problems.throwIfAny();
    if (changes.name !== undefined) await this.assertNameFree(changes.name, def.id, where);
    if (!(await this.o.repo.update(def.id, changes, this.now()))) throw new LnmtError('LNMT_ERR_NOT_FOUND', `notification channel "${ref}" was removed meanwhile`);
    await this.changed();
    return (await this.find(def.id))!;
  }

  async remove(ref: string, refWhere: string): Promise<ChannelDef> {
    const def = await this.get(ref, refWhere);
    this.assertEditable(def, refWhere);
    await this.o.repo.delete(def.id);
    await this.changed();
    return def;
  }

  private async changed(): Promise<void> {
    for (const fn of this.listeners) await fn();
  }

  private typeOf(name: string, where: WhereMap): ChannelType<any> {
    const type = Object.hasOwn(this.types, name) ? this.types[name] : undefined;
    if (!type) throw new LnmtError('LNMT_ERR_VALIDATION', `unknown channel type "${name}"`, { details: [{ where: where('type'), value: name, message: 'unknown channel type', allowed: `one of ${Object.keys(this.types).join(', ')}` }] });
    return type;
  }

  private validate(type: ChannelType<any>, settings: Record<string, unknown>, where: WhereMap): Record<string, unknown> {
    try {
      return type.validate(settings) as Record<string, unknown>;
    } catch (err) {
      throw relocate(err, where);
    }
  }

  private filter(raw: unknown, where: WhereMap): ChannelFilter {
    try {
      return checkFilter(raw);
    } catch (err) {
      throw relocate(err, where);
    }
  }

  private async assertNameFree(name: string, selfId: string | null, where: WhereMap): Promise<void> {
    const clash = this.fromConfig.find((c) => c.name === name) ?? (await this.o.repo.getByName(name));
    if (clash && clash.id !== selfId) throw nameTaken(name, where);
  }

  private assertEditable(def: ChannelDef, refWhere: string): void {
    if (def.source !== 'config') return;
    const i = this.fromConfig.indexOf(def);
    throw new LnmtError('LNMT_ERR_CONFLICT', `channel "${def.name}" is declared in the config file (notify.channels[${i}]); edit it there`, {
      details: [{ where: refWhere, value: def.name, message: 'read-only: declared in the config file', allowed: `a channel made with the API or CLI; change notify.channels[${i}] in the config file instead` }],
    });
  }

  private fromRow(r: NotifyChannelRow): ChannelDef {
    const declared = JSON.parse(r.settings) as Record<string, unknown>;
    const type = Object.hasOwn(this.types, r.type) ? this.types[r.type] : undefined;
    let settings: Record<string, unknown> | null = null;
    let problem: string | null = null;
    if (!type) problem = `unknown channel type "${r.type}"`;
    else {
      try {
        settings = type.validate(declared) as Record<string, unknown>;
      } catch (err) {
        problem = `stored settings are no longer valid: ${(err as Error).message}`;
      }
    }
    return { id: r.id, name: r.name, type: r.type, enabled: r.enabled === 1, source: 'store', settings, declared, filter: JSON.parse(r.filter) as ChannelFilter, problem, createdAt: r.created_at, updatedAt: r.updated_at };
  }

  private loadConfigChannels(channels: readonly ConfigChannel[]): ChannelDef[] {
    const details: ErrorDetail[] = [];
    const out: ChannelDef[] = [];
    const names = new Set<string>();
    channels.forEach((c, i) => {
      const at = (field: string) => `notify.channels[${i}].${field}`;
      const type = Object.hasOwn(this.types, c.type) ? this.types[c.type] : undefined;
      if (names.has(c.name)) details.push({ where: at('name'), value: c.name, message: 'name used twice', allowed: 'a name no other channel has' });
      names.add(c.name);
      if (!type) return void details.push({ where: at('type'), value: c.type, message: 'unknown channel type', allowed: `one of ${Object.keys(this.types).join(', ')}` });
      const { settings: resolved, literal, missing } = resolveEnvRefs(type, c.settings, this.o.env);
      for (const path of literal) {
        details.push({ where: at(path), value: '***', message: 'a secret written in the config file', allowed: 'a reference env:VARIABLE (the secret in that environment variable), so `lnmt config show` never prints it' });
      }
      let settings: Record<string, unknown> | null = null;
      if (missing.length === 0 && literal.length === 0) {
        try {
          settings = type.validate(resolved) as Record<string, unknown>;
        } catch (err) {
          details.push(...((relocate(err, at) as LnmtError).details ?? []));
        }
      }
      let filter: ChannelFilter = {};
      try {
        filter = checkFilter(c.filter ?? {});
      } catch (err) {
        details.push(...((relocate(err, at) as LnmtError).details ?? []));
      }
      const problem = missing.length > 0 ? `environment variable${missing.length > 1 ? 's' : ''} not set: ${missing.join(', ')}` : null;
      out.push({ id: `${CONFIG_ID_PREFIX}${c.name}`, name: c.name, type: c.type, enabled: c.enabled !== false, source: 'config', settings, declared: c.settings, filter, problem, createdAt: null, updatedAt: null });
    });
    if (details.length > 0) {
      throw new LnmtError('LNMT_ERR_CONFIG', `notification channels in the config file are invalid (${details.length} problem${details.length > 1 ? 's' : ''})`, { details });
    }
    return out;
  }
}

/** Collects validation errors from several checks into one LNMT_ERR_VALIDATION. */
class Problems {
  private readonly errors: LnmtError[] = [];

  run<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof LnmtError) || err.code !== 'LNMT_ERR_VALIDATION') throw err;
      this.errors.push(err);
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.errors.length === 0) return;
    if (this.errors.length === 1) throw this.errors[0]!;
    throw new LnmtError('LNMT_ERR_VALIDATION', this.errors.map((e) => e.message).join('; '), { details: this.errors.flatMap((e) => e.details) });
  }
}

function checkName(name: string, where: WhereMap): string {
  if (!new RegExp(NAME_PATTERN).test(name)) {
    throw new LnmtError('LNMT_ERR_VALIDATION', `invalid channel name "${name}"`, { details: [{ where: where('name'), value: name, message: 'invalid name', allowed: '1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit' }] });
  }
  return name;
}

function nameTaken(name: string, where: WhereMap): LnmtError {
  return new LnmtError('LNMT_ERR_CONFLICT', `a notification channel named "${name}" already exists`, { details: [{ where: where('name'), value: name, message: 'name in use', allowed: 'a name no other channel has' }] });
}
