import Type, { type Static } from 'typebox';
import type { Persona } from './persona.js';

const Text = (max = 256) => Type.String({ minLength: 1, maxLength: max });
const Strict = { additionalProperties: false } as const;
const OPENSSH_PEM = '^-----BEGIN OPENSSH PRIVATE KEY-----\\n[A-Za-z0-9+/=\\n]+-----END OPENSSH PRIVATE KEY-----\\n?$';

const PemCertificateSchema = Type.Object(
  {
    key: Type.String({ pattern: '^-----BEGIN PRIVATE KEY-----\\n[A-Za-z0-9+/=\\n]+-----END PRIVATE KEY-----\\n?$' }),
    cert: Type.String({ pattern: '^-----BEGIN CERTIFICATE-----\\n[A-Za-z0-9+/=\\n]+-----END CERTIFICATE-----\\n?$' }),
  },
  { additionalProperties: false },
);

const UserSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z_][a-z0-9_.-]*$' }),
    uid: Type.Integer({ minimum: 1000, maximum: 59999 }),
    gid: Type.Integer({ minimum: 1000, maximum: 59999 }),
    gecos: Type.String({ maxLength: 256, pattern: '^[^:\\n]*$' }),
    home: Type.String({ minLength: 2, maxLength: 256, pattern: '^/' }),
    shell: Type.String({ minLength: 2, maxLength: 64, pattern: '^/' }),
    groups: Type.Array(Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z_][a-z0-9_-]*$' }), { maxItems: 32 }),
  },
  Strict,
);

/**
 * The persisted persona (`<dataDir>/honeynet/persona.json`), checked field by field on load: a hand-edited or
 * truncated file is reported, never silently regenerated (the persona must not change under a running sensor).
 */
export const PersonaSchema = Type.Object(
  {
    version: Type.Literal(1),
    id: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' }),
    createdAt: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' }),
    hostname: Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$' }),
    domain: Type.String({ maxLength: 190, pattern: '^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)?$' }),
    os: Type.Object(
      {
        id: Type.Union([Type.Literal('debian'), Type.Literal('ubuntu')]),
        name: Text(),
        version: Text(),
        versionId: Text(16),
        codename: Text(32),
        prettyName: Text(),
        debianVersion: Text(32),
      },
      Strict,
    ),
    kernel: Type.Object({ release: Text(64), version: Text(64), arch: Type.Literal('x86_64') }, Strict),
    ssh: Type.Object({ versionString: Type.String({ maxLength: 253, pattern: '^SSH-2\\.0-[\\x21-\\x2c\\x2e-\\x7e]+( [\\x20-\\x7e]*)?$' }) }, Strict),
    hardware: Type.Object(
      {
        cpuModel: Text(),
        cores: Type.Integer({ minimum: 1, maximum: 512 }),
        memoryKb: Type.Integer({ minimum: 65536 }),
        diskGb: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
      },
      Strict,
    ),
    network: Type.Object(
      {
        iface: Type.String({ minLength: 1, maxLength: 15, pattern: '^[a-z0-9]+$' }),
        ip: Type.String({ format: 'ipv4' }),
        prefix: Type.Integer({ minimum: 8, maximum: 30 }),
        gateway: Type.String({ format: 'ipv4' }),
        mac: Type.String({ pattern: '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$' }),
      },
      Strict,
    ),
    users: Type.Array(UserSchema, { minItems: 1, maxItems: 16 }),
    machineId: Type.String({ pattern: '^[0-9a-f]{32}$' }),
    bootTime: Type.Integer({ minimum: 0 }),
    hostKeys: Type.Object(
      { ed25519: Type.String({ pattern: OPENSSH_PEM }), ecdsa: Type.String({ pattern: OPENSSH_PEM }), rsa: Type.String({ pattern: OPENSSH_PEM }) },
      Strict,
    ),
    tls: Type.Optional(Type.Object({ snakeoil: PemCertificateSchema, rdp: PemCertificateSchema }, Strict)),
  },
  Strict,
);

/** Compile-time proof that the schema and the `Persona` contract describe the same object. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const schemaMatchesPersona: Same<Static<typeof PersonaSchema>, Persona> = true;
