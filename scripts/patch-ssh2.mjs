#!/usr/bin/env node
// Adds three extension points to ssh2 1.17.0 in node_modules (run by npm's postinstall; idempotent).
//
// Why a patch: the SSH honeypot must offer exactly what Debian's sshd offers, which needs sntrup761x25519 key
// exchange, the UMAC MACs and a host-key list without ssh-rsa. ssh2 picks key exchanges and MACs in functions it
// never exports (createKeyExchange, the cipher classes' createHmac calls) and always adds ssh-rsa for an RSA key,
// so no amount of wrapping its exported objects at run time reaches them. The patch adds only hooks; the
// algorithms themselves live in src/honeynet/ssh-crypto/ and register through the hooks at run time:
//   - protocol/kex.js exports KEX_EXTENSIONS (name -> factory), consulted before "Unsupported key exchange";
//   - protocol/crypto.js exports MAC_EXTENSIONS (MAC_INFO sslName -> HMAC-shaped factory), used instead of
//     createHmac, and keeps such MACs on the JavaScript cipher classes (the native binding only knows HMACs);
//   - server.js no longer adds ssh-rsa for an RSA key when `algorithms.serverHostKey` is an explicit list
//     without it (an exact list means exact).
// Every anchor must match exactly as often as expected, in the exact ssh2 version below: anything else stops
// with a message saying what to review, instead of leaving a half-patched ssh2.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const SSH2_VERSION = '1.17.0';
const MARKER = '/* lnmt-ssh2-hooks v2 (scripts/patch-ssh2.mjs) */';

/** Random bytes for KEXINIT cookies and packet padding, from the pool below (see POOLED_RANDOM). */
const POOLED_RANDOM =
  '\n// lnmt: KEXINIT cookies and packet padding (4-255 bytes each, two per new connection) come from a 4 KiB pool\n' +
  '// refilled by the CSPRNG, instead of one getrandom() call each (about 8 % of a honeypot\'s CPU per connection).\n' +
  'const lnmtRandomPool = { bytes: Buffer.alloc(0), used: 0 };\n' +
  'function randomFillSync(buffer, offset, size) {\n' +
  '  if (size > 1024) return cryptoRandomFillSync(buffer, offset, size);\n' +
  '  if (lnmtRandomPool.used + size > lnmtRandomPool.bytes.length) {\n' +
  '    lnmtRandomPool.bytes = cryptoRandomFillSync(Buffer.allocUnsafe(4096));\n' +
  '    lnmtRandomPool.used = 0;\n' +
  '  }\n' +
  '  lnmtRandomPool.bytes.copy(buffer, offset, lnmtRandomPool.used, lnmtRandomPool.used + size);\n' +
  '  lnmtRandomPool.used += size;\n' +
  '  return buffer;\n' +
  '}\n';

/** Each edit: the exact text to find, how many times it must occur, and what replaces every occurrence. */
const EDITS = {
  'lib/protocol/kex.js': [
    {
      find: "  randomFillSync,\n} = require('crypto');\n",
      count: 1,
      replace: "  randomFillSync: cryptoRandomFillSync,\n} = require('crypto');\n" + POOLED_RANDOM,
    },
    {
      find: 'let MESSAGE_HANDLERS;\n',
      count: 1,
      replace: 'let MESSAGE_HANDLERS;\n\n// lnmt: key exchanges registered at run time (name -> (KeyExchange, ...constructorArgs) => instance).\nconst KEX_EXTENSIONS = new Map();\n',
    },
    {
      find: '      throw new Error(`Unsupported key exchange algorithm: ${kexType}`);\n',
      count: 1,
      replace:
        '      const lnmtKex = KEX_EXTENSIONS.get(kexType);\n' +
        '      if (lnmtKex)\n' +
        '        return lnmtKex(KeyExchange, ...args);\n' +
        '      throw new Error(`Unsupported key exchange algorithm: ${kexType}`);\n',
    },
    { find: 'module.exports = {\n  KexInit,\n', count: 1, replace: 'module.exports = {\n  KEX_EXTENSIONS,\n  KexInit,\n' },
  ],
  'lib/protocol/crypto.js': [
    {
      find: "  createCipheriv, createDecipheriv, createHmac, randomFillSync, timingSafeEqual\n} = require('crypto');\n",
      count: 1,
      replace: "  createCipheriv, createDecipheriv, createHmac, randomFillSync: cryptoRandomFillSync, timingSafeEqual\n} = require('crypto');\n" + POOLED_RANDOM,
    },
    {
      find: 'const MAX_PACKET_SIZE = 35000;\n',
      count: 1,
      replace:
        'const MAX_PACKET_SIZE = 35000;\n\n' +
        '// lnmt: MACs registered at run time (MAC_INFO sslName -> (key) => object with update() and digest()).\n' +
        'const MAC_EXTENSIONS = new Map();\n' +
        'function createMac(name, key) {\n' +
        '  const extension = MAC_EXTENSIONS.get(name);\n' +
        '  return (extension ? extension(key) : createHmac(name, key));\n' +
        '}\n',
    },
    { find: 'createHmac(this._macSSLName, this._macKey)', count: 3, replace: 'createMac(this._macSSLName, this._macKey)' },
    {
      find: '      return (GenericCipher && !forceNative\n',
      count: 1,
      replace: '      return (GenericCipher && !forceNative\n              && !MAC_EXTENSIONS.has(outbound.macInfo.sslName)\n',
    },
    {
      find: '      return (GenericDecipher && !forceNative\n',
      count: 1,
      replace: '      return (GenericDecipher && !forceNative\n              && !MAC_EXTENSIONS.has(inbound.macInfo.sslName)\n',
    },
    { find: 'module.exports = {\n  CIPHER_INFO,\n', count: 1, replace: 'module.exports = {\n  MAC_EXTENSIONS,\n  CIPHER_INFO,\n' },
  ],
  'lib/server.js': [
    {
      find: '        if (sha1Pos === -1) {\n          // Fall back to giving SHA1 the lowest priority\n',
      count: 1,
      replace:
        '        // lnmt: an explicit serverHostKey list without ssh-rsa means no ssh-rsa\n' +
        '        if (sha1Pos === -1 && !Array.isArray(cfgAlgos.serverHostKey)) {\n' +
        '          // Fall back to giving SHA1 the lowest priority\n',
    },
  ],
};

function fail(message) {
  process.stderr.write(`patch-ssh2: ${message}\n` +
    'The SSH honeypot needs these hooks to offer sntrup761x25519, UMAC and an exact host-key list. If ssh2 was\n' +
    'upgraded on purpose, review scripts/patch-ssh2.mjs against the new lib/protocol/{kex,crypto}.js and\n' +
    'lib/server.js and update SSH2_VERSION; src/honeynet/ssh-crypto/ssh2-extensions.ts uses the hooks.\n');
  process.exit(1);
}

const occurrences = (text, needle) => text.split(needle).length - 1;

// The ssh2 directory: node_modules' by default, or the one given (tests patch copies).
const require = createRequire(import.meta.url);
let root = process.argv[2] ? resolve(process.argv[2]) : undefined;
try {
  root ??= dirname(require.resolve('ssh2/package.json'));
} catch {
  fail('ssh2 is not installed (run npm ci)');
}
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (version !== SSH2_VERSION) fail(`ssh2 ${version} is installed; this patch is for exactly ${SSH2_VERSION}`);

// Check every file before writing any, so a mismatch never leaves ssh2 half patched.
const planned = [];
for (const [file, edits] of Object.entries(EDITS)) {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  if (text.startsWith(MARKER)) {
    const missing = edits.filter((e) => !text.includes(e.replace));
    if (missing.length > 0) fail(`${file} carries the patch marker but lacks ${missing.length} of its edits`);
    continue;
  }
  let patched = text;
  for (const edit of edits) {
    const n = occurrences(patched, edit.find);
    if (n !== edit.count) fail(`${file}: expected ${edit.count} occurrence(s) of ${JSON.stringify(edit.find.slice(0, 60))}, found ${n}`);
    patched = patched.split(edit.find).join(edit.replace);
  }
  planned.push({ file, path, text: `${MARKER}\n${patched}` });
}
for (const p of planned) writeFileSync(p.path, p.text);
process.stdout.write(planned.length > 0 ? `patch-ssh2: patched ${planned.map((p) => p.file).join(', ')} in ssh2 ${version}\n` : `patch-ssh2: ssh2 ${version} already patched\n`);
