import type { CheckState } from '../core/events.js';

/** What the state machine remembers per check (persisted on the check row, except the flap history). */
export interface CheckStateMemory {
  state: CheckState;
  stateSince: number | null;
  /** Consecutive agreeing results: > 0 successes, < 0 failures. */
  streak: number;
  flapping: boolean;
  /** Times of recent state changes, newest last (in memory only). */
  changes: number[];
}

export interface StatePolicy {
  /** Failures after the first before `down` (0 = the first failure). */
  retries: number;
  flapThreshold: number;
  flapWindowMs: number;
}

export interface StateTransition {
  previous: CheckState;
  current: CheckState;
  streak: number;
  flapping: boolean;
}

/**
 * Applies one result. A check goes down after `retries + 1` consecutive failures and up on the first success
 * (a single good answer proves the service works); an unknown check takes the first conclusive state by the same
 * rules. A check that changed state `flapThreshold` times within `flapWindowMs` is flapping until the window
 * holds fewer changes again; transitions are still reported, marked flapping, so alerts can be held.
 */
export function applyResult(mem: CheckStateMemory, ok: boolean, now: number, policy: StatePolicy): StateTransition | null {
  mem.streak = ok ? (mem.streak > 0 ? mem.streak + 1 : 1) : mem.streak < 0 ? mem.streak - 1 : -1;
  const target: CheckState | null = ok ? 'up' : -mem.streak >= policy.retries + 1 ? 'down' : null;
  const windowStart = now - policy.flapWindowMs;
  while (mem.changes.length > 0 && mem.changes[0]! < windowStart) mem.changes.shift();
  if (target === null || target === mem.state) {
    if (mem.flapping && mem.changes.length < policy.flapThreshold) mem.flapping = false;
    return null;
  }
  const previous = mem.state;
  mem.state = target;
  mem.stateSince = now;
  if (previous !== 'unknown') mem.changes.push(now);
  if (mem.changes.length > policy.flapThreshold * 4) mem.changes.splice(0, mem.changes.length - policy.flapThreshold * 4);
  mem.flapping = mem.changes.length >= policy.flapThreshold;
  return { previous, current: target, streak: Math.abs(mem.streak), flapping: mem.flapping };
}
