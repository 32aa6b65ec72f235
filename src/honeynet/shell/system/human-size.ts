/** Size formats of the tools: coreutils `-h` (`4.0K`, `1.9G`, rounded up) and procps `-h` (`3.8Gi`, `512Mi`). */

const UNITS = ['K', 'M', 'G', 'T', 'P'];

/** coreutils `ls -lh` / `df -h`: powers of 1024, rounded up, one decimal below 10. */
export function coreutilsHuman(bytes: number): string {
  if (bytes < 1024) return String(Math.ceil(bytes));
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (value < 10) {
    const rounded = Math.ceil(value * 10) / 10;
    if (rounded < 10) return `${rounded.toFixed(1)}${UNITS[unit]}`;
    value = rounded;
  }
  const whole = Math.ceil(value);
  if (whole >= 1024 && unit < UNITS.length - 1) return `1.0${UNITS[unit + 1]}`;
  return `${whole}${UNITS[unit]}`;
}

/** procps `free -h` / `top`: `0B`, `512Mi`, `3.8Gi`. */
export function procpsHuman(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)}B`;
  const units = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return value < 10 ? `${(Math.round(value * 10) / 10).toFixed(1)}${units[unit]}` : `${Math.round(value)}${units[unit]}`;
}
