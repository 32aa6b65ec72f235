import { readFileSync } from 'node:fs';

// Two levels below package.json in src/, dist/ and the esbuild bundle (dist/bundle/), so this URL works in all three.
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };

/** Sent by HTTP checks unless the check sets its own `User-Agent` header. */
export const USER_AGENT = `lnmt-monitor/${pkg.version ?? '0.0.0'}`;
