import Type, { type Static } from 'typebox';

/** `honeynet.services.rdp` beyond enabled/port/bind. */
export const RdpSettingsSchema = Type.Object(
  {
    /**
     * Which server it is: `xrdp` (what the persona's Linux would run, with the ssl-cert snakeoil certificate) or
     * `windows` (Windows Server Remote Desktop with Network Level Authentication: CredSSP/NTLM, whose NetNTLMv2
     * response is captured). A Linux persona answering as Windows is inconsistent, so `windows` is opt-in.
     */
    flavor: Type.Union([Type.Literal('xrdp'), Type.Literal('windows')]),
    /** `windows`: NLA required (the default since Server 2012); off, TLS without CredSSP is accepted too. */
    nla: Type.Boolean(),
    /** The Windows Server release for `flavor: windows` (NTLM version, computer name). */
    windowsRelease: Type.Union([Type.Literal('2019'), Type.Literal('2022')]),
    /** Largest PDU or TSRequest read (a connection request is under 100 bytes, an NTLM TSRequest under 4 KB). */
    maxPduBytes: Type.Integer({ minimum: 1024, maximum: 65_535 }),
    /** Pause before the logon failure (Windows answers at once; raise it to slow brute force). */
    failDelayMs: Type.Integer({ minimum: 0, maximum: 60_000 }),
  },
  { additionalProperties: false },
);
export type RdpSettings = Static<typeof RdpSettingsSchema>;

export const RDP_DEFAULTS: RdpSettings = { flavor: 'xrdp', nla: true, windowsRelease: '2019', maxPduBytes: 16 * 1024, failDelayMs: 0 };
