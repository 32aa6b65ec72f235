import Type, { type Static } from 'typebox';
import { AuthPolicySchema } from '../../../core/config/sections/auth-policy-schema.js';

/** FTP's own settings (besides enabled/port/bind). */
export const FtpSettingsSchema = Type.Object(
  {
    /** Who may log in with a name and password (anonymous logins are governed by `anonymous`). */
    auth: AuthPolicySchema,
    /** `anonymous` / `ftp` with any password logs in to an empty anon root with a writable-looking `pub`. */
    anonymous: Type.Boolean(),
    /** Anonymous uploads (STOR) accepted into quarantine (vsftpd's `anon_upload_enable`). */
    anonymousUpload: Type.Boolean(),
    /** Passive data ports (vsftpd's pasv_min_port/pasv_max_port); 0/0: any free port. */
    pasvMinPort: Type.Integer({ minimum: 0, maximum: 65535 }),
    pasvMaxPort: Type.Integer({ minimum: 0, maximum: 65535 }),
    /** Address advertised in `227` (vsftpd's pasv_address, for NAT); empty: the control connection's local address. */
    pasvAddress: Type.String({ maxLength: 64 }),
    /** Seconds a passive listener waits for the client's data connection (vsftpd's accept_timeout is 60). */
    dataTimeoutSec: Type.Integer({ minimum: 1, maximum: 600 }),
    /** Passive listeners open at once across all sessions of this service. */
    maxDataListeners: Type.Integer({ minimum: 1, maximum: 10_000 }),
    /** Pause after a failed login (vsftpd's delay_failed_login, 1 s). */
    failDelayMs: Type.Integer({ minimum: 0, maximum: 60_000 }),
    /** Failed logins before the connection is closed (vsftpd's max_login_fails, 3). */
    maxAttempts: Type.Integer({ minimum: 1, maximum: 100 }),
    /** Uploads kept per connection. */
    maxUploadsPerSession: Type.Integer({ minimum: 0, maximum: 1000 }),
  },
  { additionalProperties: false },
);
export type FtpSettings = Static<typeof FtpSettingsSchema>;

/**
 * Defaults: named logins never succeed (credential collection), anonymous logins do and may upload (the bait
 * that makes bots STOR their payloads), as an open anonymous vsftpd would.
 */
export const FTP_DEFAULTS: FtpSettings = {
  auth: { mode: 'never' },
  anonymous: true,
  anonymousUpload: true,
  pasvMinPort: 0,
  pasvMaxPort: 0,
  pasvAddress: '',
  dataTimeoutSec: 60,
  maxDataListeners: 256,
  failDelayMs: 1000,
  maxAttempts: 3,
  maxUploadsPerSession: 20,
};
