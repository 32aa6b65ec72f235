/**
 * What the shell reports to the service that drives it (which turns these into `honeypot.*` events). Hooks are
 * called synchronously; a hook that throws is ignored so a failing sink never breaks the session.
 */
export interface ShellHooks {
  /** A line the attacker submitted (before parsing). */
  onInput?(line: string): void;
  /** One command the shell ran (or failed to find): its text and whether a command answered. */
  onCommand?(command: string, info: { known: boolean; argv: string[] }): void;
  /** `wget`/`curl`/`tftp`/`ftp` were asked to fetch a URL (nothing is fetched). */
  onDownload?(url: string, info: { tool: string; savedAs?: string }): void;
  /** A file was written in the session overlay (redirects, downloads, cp, crontab...). */
  onFileWrite?(path: string, bytes: number): void;
  /** The shell ended (`exit`, `logout`, or a pretend `reboot`). */
  onExit?(info: { status: number; reason: 'exit' | 'reboot' }): void;
}

/** Wraps hooks so a throwing hook cannot escape into the session. */
export function safeHooks(hooks: ShellHooks): Required<ShellHooks> {
  const wrap = <A extends unknown[]>(fn: ((...args: A) => void) | undefined) => (...args: A): void => {
    if (!fn) return;
    try {
      fn.apply(hooks, args);
    } catch {
      // a failing event sink must not break the attacker's session
    }
  };
  return {
    onInput: wrap(hooks.onInput),
    onCommand: wrap(hooks.onCommand),
    onDownload: wrap(hooks.onDownload),
    onFileWrite: wrap(hooks.onFileWrite),
    onExit: wrap(hooks.onExit),
  };
}
