import { isAbsolute, join, resolve } from 'node:path';
import type { LnmtConfig } from '../../core/config/schema.js';

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The directory of asciicast transcripts (`honeynet.recordings.dir`, relative to the data dir). */
export function recordingsDir(config: LnmtConfig, cwd = process.cwd()): string {
  const d = config.honeynet.recordings.dir;
  return isAbsolute(d) ? d : resolve(cwd, config.dataDir, d);
}

/** A session's transcript file; null for anything that is not a session id (no path can be smuggled in). */
export function recordingPath(config: LnmtConfig, sessionId: string, cwd = process.cwd()): string | null {
  return SESSION_ID.test(sessionId) ? join(recordingsDir(config, cwd), `${sessionId}.cast`) : null;
}
