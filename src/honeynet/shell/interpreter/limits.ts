/** Bounds that hold whatever the attacker types. */
export interface ShellLimits {
  /** Longest accepted input line (bytes); longer input is refused like a line that is too long. */
  maxInputBytes: number;
  /** Terminal output of one `execute` (the rest is dropped). */
  maxOutputBytes: number;
  /** Data held between two pipeline stages. */
  maxPipeBytes: number;
  /** Nesting of `$(...)`, `sh -c`, `sudo`, scripts. */
  maxDepth: number;
  /** Commands one `execute` may run (stops runaway scripts and recursive aliases). */
  maxCommandsPerLine: number;
  /** Bytes the session's overlay may hold (writes beyond fail with ENOSPC). */
  overlayBytes: number;
  /** Lines kept in `history`. */
  maxHistory: number;
}

export const DEFAULT_LIMITS: ShellLimits = {
  maxInputBytes: 16 * 1024,
  maxOutputBytes: 256 * 1024,
  maxPipeBytes: 1024 * 1024,
  maxDepth: 8,
  maxCommandsPerLine: 2_000,
  overlayBytes: 8 * 1024 * 1024,
  maxHistory: 1_000,
};
