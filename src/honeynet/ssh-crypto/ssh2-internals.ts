/**
 * Access to the ssh2 1.17 internals our extensions register with (lib/protocol/{kex,crypto,constants}.js), and
 * the check that scripts/patch-ssh2.mjs (npm's postinstall) added its hooks. ssh2 stays external in the
 * esbuild bundle, so resolving from this file's URL finds the same node_modules copy, and the same module
 * instances, that `import ssh2 from 'ssh2'` loads, under tsx, tsc's dist/ and the bundle alike.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// Not named `require`: the bundle's banner declares that name at the top of every chunk.
const loadCommonJs = createRequire(import.meta.url);

export const SSH2_PATCHED_VERSION = '1.17.0';
const PATCH_MARKER = '/* lnmt-ssh2-hooks v2 ';

/** What ssh2's KeyExchange base class gives a subclass (the members a registered exchange uses or replaces). */
export interface Ssh2KeyExchange {
  type: string;
  hashName: string;
  readonly _protocol: { readonly _server: boolean };
  start(): void;
  generateKeys(): void;
  getPublicKey(): Buffer | undefined;
  convertPublicKey(key: Buffer): Buffer;
  computeSecret(otherPublicKey: Buffer): Buffer | Error;
}
export type Ssh2KeyExchangeClass = new (...args: unknown[]) => Ssh2KeyExchange;
export type Ssh2KexFactory = (base: Ssh2KeyExchangeClass, ...args: unknown[]) => Ssh2KeyExchange;

/** The HMAC-shaped object ssh2's cipher classes drive: update(uint32 seqno), update(data)..., digest(). */
export interface Ssh2Mac {
  update(data: Uint8Array): Ssh2Mac;
  digest(): Buffer;
}
export type Ssh2MacFactory = (key: Buffer) => Ssh2Mac;

/** An entry of ssh2's MAC_INFO: `len` is the key length, `actualLen` the tag length on the wire. */
export interface Ssh2MacInfo {
  sslName: string;
  len: number;
  actualLen: number;
  isETM: boolean;
}

export interface Ssh2Internals {
  version: string;
  kexExtensions: Map<string, Ssh2KexFactory>;
  macExtensions: Map<string, Ssh2MacFactory>;
  macInfo: Record<string, Ssh2MacInfo>;
  /** The lists ssh2 validates `algorithms` against (same array objects server.js and client.js use). */
  supportedKex: string[];
  supportedMac: string[];
}

const HOOKED_FILES = ['lib/protocol/kex.js', 'lib/protocol/crypto.js', 'lib/server.js'];

/** ssh2's internals with the hooks in place, or an Error saying what is missing and how to fix it. */
export function loadSsh2Internals(): Ssh2Internals {
  const root = dirname(loadCommonJs.resolve('ssh2/package.json'));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const fix = 'run `node scripts/patch-ssh2.mjs` (npm install/ci runs it as postinstall)';
  if (version !== SSH2_PATCHED_VERSION) throw new Error(`ssh2 ${version} is installed; the extension hooks are for ${SSH2_PATCHED_VERSION}`);
  const unpatched = HOOKED_FILES.filter((f) => !readFileSync(join(root, f), 'utf8').startsWith(PATCH_MARKER));
  if (unpatched.length > 0) throw new Error(`ssh2 lacks the extension hooks in ${unpatched.join(', ')}: ${fix}`);
  const kex = loadCommonJs(join(root, 'lib/protocol/kex.js')) as { KEX_EXTENSIONS?: Map<string, Ssh2KexFactory> };
  const crypto = loadCommonJs(join(root, 'lib/protocol/crypto.js')) as { MAC_EXTENSIONS?: Map<string, Ssh2MacFactory>; MAC_INFO: Record<string, Ssh2MacInfo> };
  const constants = loadCommonJs(join(root, 'lib/protocol/constants.js')) as { SUPPORTED_KEX: string[]; SUPPORTED_MAC: string[] };
  if (!(kex.KEX_EXTENSIONS instanceof Map) || !(crypto.MAC_EXTENSIONS instanceof Map)) {
    throw new Error(`ssh2 was loaded before it was patched (restart the process) or the hooks are broken: ${fix}`);
  }
  return {
    version,
    kexExtensions: kex.KEX_EXTENSIONS,
    macExtensions: crypto.MAC_EXTENSIONS,
    macInfo: crypto.MAC_INFO,
    supportedKex: constants.SUPPORTED_KEX,
    supportedMac: constants.SUPPORTED_MAC,
  };
}
