import Type, { type Static } from 'typebox';

/** `honeynet.services.smb` beyond enabled/port/bind. */
export const SmbSettingsSchema = Type.Object(
  {
    /**
     * Which server it is: `samba` (what the persona's Linux would run; SMB1 off, as since Samba 4.11) or `windows`
     * (a Windows Server in a workgroup: its computer name, NTLM version and SPNEGO mechanisms). A Linux persona
     * answering as Windows is inconsistent, so `windows` is opt-in.
     */
    flavor: Type.Union([Type.Literal('samba'), Type.Literal('windows')]),
    /** The Windows Server release for `flavor: windows` (NTLM version 10.0.17763 or 10.0.20348). */
    windowsRelease: Type.Union([Type.Literal('2019'), Type.Literal('2022')]),
    /** Largest SMB message read (a session setup needs under 4 KB; Samba's own limit is far higher). */
    maxMessageBytes: Type.Integer({ minimum: 4096, maximum: 1024 * 1024 }),
    /** Pause before STATUS_LOGON_FAILURE (Windows and Samba answer at once; raise it to slow brute force). */
    failDelayMs: Type.Integer({ minimum: 0, maximum: 60_000 }),
  },
  { additionalProperties: false },
);
export type SmbSettings = Static<typeof SmbSettingsSchema>;

export const SMB_DEFAULTS: SmbSettings = { flavor: 'samba', windowsRelease: '2019', maxMessageBytes: 64 * 1024, failDelayMs: 0 };
