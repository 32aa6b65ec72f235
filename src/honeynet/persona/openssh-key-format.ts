import { randomBytes, type KeyObject } from 'node:crypto';
import ssh2 from 'ssh2';

/**
 * Writes node:crypto private keys in OpenSSH's own format (`openssh-key-v1`, unencrypted), the format of the
 * `/etc/ssh/ssh_host_*_key` files a real server has. node cannot export Ed25519 in any format ssh2 1.17 reads
 * (ssh2 takes OpenSSH, PKCS#1 RSA and SEC1 EC PEM, not PKCS#8), so we encode it ourselves from the JWK fields.
 * Layout: PROTOCOL.key in the OpenSSH sources.
 */

export type HostKeyType = 'ed25519' | 'ecdsa' | 'rsa';

/** SSH wire `string`: uint32 length + bytes. */
function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

/** SSH wire `mpint` of a non-negative big-endian integer: no leading zeros, one 0x00 if the top bit is set. */
function sshMpint(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  let bytes = unsigned.subarray(start);
  if (bytes.length === 1 && bytes[0] === 0) bytes = Buffer.alloc(0);
  else if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return sshString(bytes);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function jwkField(jwk: Record<string, unknown>, name: string): Buffer {
  const v = jwk[name];
  if (typeof v !== 'string') throw new Error(`key has no JWK field ${name}`);
  return Buffer.from(v, 'base64url');
}

interface KeyParts {
  /** The public key blob (also what `ssh-keygen -l` fingerprints). */
  publicBlob: Buffer;
  /** Type name + public + private fields, as in the private section. */
  privateFields: Buffer;
}

function keyParts(type: HostKeyType, key: KeyObject): KeyParts {
  const jwk = key.export({ format: 'jwk' }) as Record<string, unknown>;
  switch (type) {
    case 'ed25519': {
      const pub = jwkField(jwk, 'x');
      const seed = jwkField(jwk, 'd');
      return {
        publicBlob: Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]),
        privateFields: Buffer.concat([sshString('ssh-ed25519'), sshString(pub), sshString(Buffer.concat([seed, pub]))]),
      };
    }
    case 'ecdsa': {
      if (jwk.crv !== 'P-256') throw new Error(`ecdsa host keys are nistp256, got ${String(jwk.crv)}`);
      const point = Buffer.concat([Buffer.from([4]), jwkField(jwk, 'x'), jwkField(jwk, 'y')]);
      const head = Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString('nistp256'), sshString(point)]);
      return { publicBlob: head, privateFields: Buffer.concat([head, sshMpint(jwkField(jwk, 'd'))]) };
    }
    case 'rsa': {
      const [n, e, d, p, q, qi] = ['n', 'e', 'd', 'p', 'q', 'qi'].map((f) => jwkField(jwk, f)) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
      return {
        publicBlob: Buffer.concat([sshString('ssh-rsa'), sshMpint(e), sshMpint(n)]),
        // OpenSSH's order: n, e, d, iqmp, p, q.
        privateFields: Buffer.concat([sshString('ssh-rsa'), sshMpint(n), sshMpint(e), sshMpint(d), sshMpint(qi), sshMpint(p), sshMpint(q)]),
      };
    }
  }
}

/** `-----BEGIN OPENSSH PRIVATE KEY-----` text, with a comment like ssh-keygen's (`root@host`). */
export function toOpenSshPrivateKey(type: HostKeyType, key: KeyObject, comment: string): string {
  const { publicBlob, privateFields } = keyParts(type, key);
  const check = randomBytes(4);
  let section = Buffer.concat([check, check, privateFields, sshString(comment)]);
  const padLength = (8 - (section.length % 8)) % 8;
  section = Buffer.concat([section, Buffer.from(Array.from({ length: padLength }, (_, i) => i + 1))]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(publicBlob),
    sshString(section),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/**
 * The `.pub` line of a host key (`ssh-ed25519 AAAA… root@host`), as in `/etc/ssh/ssh_host_ed25519_key.pub`.
 * Parsed back through ssh2, the library that will serve the key, so a key it cannot read fails here.
 */
export function publicKeyLine(privatePem: string, comment: string): string {
  const parsed = ssh2.utils.parseKey(privatePem);
  if (parsed instanceof Error) throw new Error(`host key does not parse: ${parsed.message}`, { cause: parsed });
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key) throw new Error('host key file holds no key');
  return `${key.type} ${key.getPublicSSH().toString('base64')} ${comment}`;
}
