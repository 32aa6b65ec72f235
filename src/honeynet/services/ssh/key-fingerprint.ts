import { createHash } from 'node:crypto';

/** `SHA256:<base64 without padding>` of a public key blob, as `ssh-keygen -l` and sshd's logs print it. */
export function sha256Fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
