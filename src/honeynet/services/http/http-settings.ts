import Type, { type Static } from 'typebox';

/** `honeynet.services.http` and `honeynet.services.https` beyond enabled/port/bind (both services share it). */
export const HttpSettingsSchema = Type.Object(
  {
    /** The web server to be: its Server header, error pages, header order and keep-alive manners. */
    server: Type.Union([Type.Literal('nginx'), Type.Literal('apache')]),
    /** What `/` shows. The WordPress and phpMyAdmin paths answer whatever is chosen (scanners probe them everywhere). */
    portal: Type.Union([Type.Literal('admin'), Type.Literal('wordpress'), Type.Literal('router'), Type.Literal('phpmyadmin'), Type.Literal('none')]),
    /**
     * Canary URLs are `<canaryPath><token>.png` (or .gif; the token 6–128 of A-Z a-z 0-9 _ -): they answer as a tiny image and are recorded with the
     * token. Bait files plant such URLs; a path that looks like any site's static images draws no suspicion.
     */
    canaryPath: Type.String({ pattern: '^/([A-Za-z0-9._~-]+/)*$', maxLength: 200 }),
    /** Largest request body accepted (nginx's client_max_body_size is 1m); beyond it 413 and close. */
    maxBodyBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024 }),
    /** How much of a body is kept in `honeypot.request` and parsed for credentials. */
    captureBodyBytes: Type.Integer({ minimum: 0, maximum: 1024 * 1024 }),
  },
  { additionalProperties: false },
);
export type HttpSettings = Static<typeof HttpSettingsSchema>;

export const HTTP_DEFAULTS: HttpSettings = {
  server: 'nginx',
  portal: 'admin',
  canaryPath: '/static/img/',
  maxBodyBytes: 1024 * 1024,
  captureBodyBytes: 64 * 1024,
};
