/** Time formats of the coreutils/procps tools. The fake machine runs in UTC, as most servers do. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `12:34:56` */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** `12:34` */
export function hourMinute(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

/** `2024-05-01 12:34` (who) */
export function isoMinute(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${hourMinute(ms)}`;
}

/** `2024-05-01 12:34:56` (wget) */
export function isoSecond(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${clockTime(ms)}`;
}

/** `Wed May  1 12:34:56 UTC 2024` (date) */
export function dateString(ms: number): string {
  const d = new Date(ms);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${clockTime(ms)} UTC ${d.getUTCFullYear()}`;
}

/** `ls -l` time: `May  1 12:34` within six months of now, `May  1  2023` otherwise. */
export function lsTime(ms: number, now: number): string {
  const d = new Date(ms);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const recent = now - ms < 182.5 * 86_400_000 && ms - now < 3_600_000;
  return `${MONTHS[d.getUTCMonth()]} ${day} ${recent ? hourMinute(ms) : ` ${d.getUTCFullYear()}`}`;
}

/** `ps` START column: `12:34` today, `May01` this year, `2023` before. */
export function psStart(ms: number, now: number): string {
  const d = new Date(ms);
  if (now - ms < 86_400_000) return hourMinute(ms);
  if (new Date(now).getUTCFullYear() === d.getUTCFullYear()) return `${MONTHS[d.getUTCMonth()]}${pad2(d.getUTCDate())}`;
  return String(d.getUTCFullYear());
}

/** The `up ...` part of `uptime`/`w`/`top`: `3 min`, `2:05`, `12 days,  3:04`, `1 day, 10 min`. */
export function upText(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  let out = '';
  if (days > 0) out += `${days} day${days === 1 ? '' : 's'}, `;
  if (hours > 0) out += `${String(hours).padStart(2, ' ')}:${pad2(minutes)}`;
  else out += `${minutes} min`;
  return out;
}

export { MONTHS, DAYS };
