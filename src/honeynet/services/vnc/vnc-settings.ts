import Type, { type Static } from 'typebox';

export const VncSettingsSchema = Type.Object(
  {
    /** Pause before the failed SecurityResult (a real server answers at once; raise it to slow brute force). */
    failDelayMs: Type.Integer({ minimum: 0, maximum: 60_000 }),
  },
  { additionalProperties: false },
);
export type VncSettings = Static<typeof VncSettingsSchema>;

export const VNC_DEFAULTS: VncSettings = { failDelayMs: 0 };
