import type { BinarySpec } from './fs/base/binaries.js';
import type { ShellCommand } from './command.js';

/** The emulated commands by name (aliases included), and the binaries they install in the fake tree. */
export class CommandRegistry {
  private readonly byName = new Map<string, ShellCommand>();

  constructor(commands: readonly ShellCommand[]) {
    for (const command of commands) {
      for (const name of [command.name, ...(command.aliases ?? [])]) {
        if (this.byName.has(name)) throw new Error(`shell command registered twice: ${name}`);
        this.byName.set(name, command);
      }
    }
  }

  get(name: string): ShellCommand | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /** Every binary path with the registry name that runs it (the module name, or the alias matching the file). */
  binaries(): BinarySpec[] {
    const out: BinarySpec[] = [];
    for (const command of new Set(this.byName.values())) {
      for (const path of command.paths) {
        const file = path.slice(path.lastIndexOf('/') + 1);
        out.push({ path, command: this.byName.get(file) === command ? file : command.name });
      }
    }
    return out;
  }
}
