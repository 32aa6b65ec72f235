import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import { defaultRules, parseRulesFile, RulesFileError } from './rules-file.js';
import type { RuleDefinition } from './rule-definition.js';

/** Reads the rules (the file, or the built-in ones) and, when asked, the file again on every change. */
export class RulesSource {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Reloads that succeeded / were rejected (tests, status). */
  reloads = 0;
  rejected = 0;

  constructor(private readonly file: string, private readonly logger: Logger) {}

  /** The rules to start with; a bad file at start-up is an error (nothing to fall back on but the defaults, silently). */
  async load(): Promise<RuleDefinition[]> {
    if (!this.file) return defaultRules();
    const text = await readFile(this.file, 'utf8').catch((err: unknown) => {
      throw new RulesFileError([{ file: this.file, line: null, key: 'threat.rulesFile', message: `cannot read: ${(err as Error).message}` }]);
    });
    return parseRulesFile(text, this.file);
  }

  /**
   * Watches the file's directory (editors replace files by rename, which a watch on the file itself misses)
   * and calls `apply` with the new rules after each change settles. A bad file keeps the old rules and logs
   * every problem with its file, line and key.
   */
  watch(apply: (rules: RuleDefinition[]) => void): void {
    if (!this.file || this.watcher) return;
    const name = basename(this.file);
    this.watcher = watch(dirname(this.file), (_ev, changed) => {
      if (changed !== null && changed !== name) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.reload(apply), 100);
    });
    this.watcher.on('error', (err) => this.logger.error({ err, file: this.file }, 'threat rules: watching the rules file failed'));
  }

  async reload(apply: (rules: RuleDefinition[]) => void): Promise<boolean> {
    try {
      const rules = await this.load();
      apply(rules);
      this.reloads++;
      this.logger.info({ file: this.file, rules: rules.length }, 'threat rules reloaded');
      return true;
    } catch (err) {
      this.rejected++;
      const problems = err instanceof RulesFileError ? err.problems : [{ file: this.file, line: null, key: '', message: (err as Error).message }];
      this.logger.error({ file: this.file, problems }, `threat rules: ${err instanceof Error ? err.message : String(err)} (keeping the previous rules)`);
      return false;
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = null;
  }
}
