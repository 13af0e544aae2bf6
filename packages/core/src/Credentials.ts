/**
 * Signature tokens and the credentials made from them: the three parts held
 * as `Redacted`, the `Authorization: Bearer ...` value as a Schema
 * transformation, the admin API key for creating tokens, and the
 * `Credentials` service.
 *
 * @module
 */
import * as Config from "effect/Config";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as Redacted from "effect/Redacted";
import * as Schema from "effect/Schema";
import * as SchemaGetter from "effect/SchemaGetter";
import * as SchemaIssue from "effect/SchemaIssue";

/**
 * The three parts of a signature token that authenticate a request, each
 * held as `Redacted` so printing, logging or JSON-encoding shows no secret.
 *
 * **Details**
 *
 * `token` and `accessKey` contain no `:`; the secret may contain anything.
 *
 * @example
 * ```ts
 * import * as Redacted from "effect/Redacted";
 * import { SignatureCredentials } from "@mode-discovery/core";
 * const creds = SignatureCredentials.fromStrings({ token: "t", accessKey: "k", accessSecret: "s" });
 * String(creds); // no "s" in it
 * ```
 */
export class SignatureCredentials
  extends Schema.Class<SignatureCredentials>("SignatureCredentials")({
    token: Schema.Redacted(Schema.String),
    accessKey: Schema.Redacted(Schema.String),
    accessSecret: Schema.Redacted(Schema.String),
  }) {
  /** Builds credentials from plain strings (each wrapped in `Redacted`). */
  static fromStrings(parts: {
    readonly token: string;
    readonly accessKey: string;
    readonly accessSecret: string;
  }): SignatureCredentials {
    return new SignatureCredentials({
      token: Redacted.make(parts.token, { label: "token" }),
      accessKey: Redacted.make(parts.accessKey, { label: "access_key" }),
      accessSecret: Redacted.make(parts.accessSecret, { label: "access_secret" }),
    });
  }

  /** The `Authorization` header value: `Bearer base64(token:access_key:access_secret)`. */
  get authorization(): Redacted.Redacted<string> {
    return Redacted.make(Schema.encodeSync(BearerCredentials)(this), { label: "authorization" });
  }

  /** A safe description: the token only, never the access key or secret. */
  override toString(): string {
    return `SignatureCredentials(token=<redacted>, access_key=<redacted>, access_secret=<redacted>)`;
  }

  /** JSON form with every part redacted. */
  toJSON(): unknown {
    return { token: "<redacted>", access_key: "<redacted>", access_secret: "<redacted>" };
  }
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true });

/** Standard base64 (RFC 4648) of a UTF-8 string, with padding. */
export const base64Encode = (text: string): string => {
  const bytes = textEncoder.encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/**
 * Decodes standard base64 (padding optional) to UTF-8 text; `undefined` when
 * the input is not base64 or not UTF-8.
 */
export const base64Decode = (input: string): string | undefined => {
  if (!BASE64.test(input)) return undefined;
  try {
    const binary = atob(input);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return textDecoder.decode(bytes);
  } catch {
    return undefined;
  }
};

/**
 * Why a bearer value was refused. Each has its own message; none of them
 * echoes the credential.
 */
export type BearerRejection =
  | "missing"
  | "scheme"
  | "base64"
  | "parts"
  | "empty-part";

/** The message for each {@link BearerRejection}. */
export const bearerRejectionMessage: Record<BearerRejection, string> = {
  missing:
    "No credentials: send the header Authorization: Bearer <base64 of token:access_key:access_secret> made from a signature token.",
  scheme:
    "The Authorization header does not use the Bearer scheme: send Authorization: Bearer <base64 of token:access_key:access_secret>.",
  base64:
    "The bearer value is not valid base64: encode token:access_key:access_secret with standard base64.",
  parts:
    "The bearer value has fewer than three parts: it must be base64 of token:access_key:access_secret, separated by colons.",
  "empty-part":
    "The bearer value has an empty part: token, access_key and access_secret must all be non-empty.",
};

/**
 * Splits an `Authorization` header value into its three parts, or says why
 * it cannot (a {@link BearerRejection}).
 *
 * @example
 * ```ts
 * import { parseBearer } from "@mode-discovery/core";
 * parseBearer("Basic abc"); // => { _tag: "Rejected", reason: "scheme" }
 * ```
 */
export const parseBearer = (
  header: string | null | undefined,
):
  | {
    readonly _tag: "Parsed";
    readonly token: string;
    readonly accessKey: string;
    readonly accessSecret: string;
  }
  | { readonly _tag: "Rejected"; readonly reason: BearerRejection } => {
  if (header === null || header === undefined || header.trim() === "") {
    return { _tag: "Rejected", reason: "missing" };
  }
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const scheme = space < 0 ? trimmed : trimmed.slice(0, space);
  if (scheme.toLowerCase() !== "bearer") return { _tag: "Rejected", reason: "scheme" };
  const value = space < 0 ? "" : trimmed.slice(space).trim();
  const text = value === "" ? undefined : base64Decode(value);
  if (text === undefined) return { _tag: "Rejected", reason: "base64" };
  const first = text.indexOf(":");
  const second = first < 0 ? -1 : text.indexOf(":", first + 1);
  if (second < 0) return { _tag: "Rejected", reason: "parts" };
  const token = text.slice(0, first);
  const accessKey = text.slice(first + 1, second);
  const accessSecret = text.slice(second + 1);
  if (token === "" || accessKey === "" || accessSecret === "") {
    return { _tag: "Rejected", reason: "empty-part" };
  }
  return { _tag: "Parsed", token, accessKey, accessSecret };
};

/**
 * The `Authorization` header value as a Schema transformation:
 * `"Bearer <base64 of token:access_key:access_secret>"` <-> {@link SignatureCredentials}.
 *
 * **Details**
 *
 * Decoding rejects, each with its own message: a missing `Bearer ` scheme,
 * invalid base64, fewer than three parts, an empty part. `token` and
 * `access_key` end at the first and second `:`; the secret is the rest.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { BearerCredentials } from "@mode-discovery/core";
 * const creds = Schema.decodeUnknownSync(BearerCredentials)("Bearer dDprOnM6cw==");
 * Schema.encodeSync(BearerCredentials)(creds); // => "Bearer dDprOnM6cw=="
 * ```
 */
export const BearerCredentials = Schema.String.pipe(
  Schema.decodeTo(Schema.instanceOf(SignatureCredentials), {
    decode: SchemaGetter.transformEffect((header: string) => {
      const parsed = parseBearer(header);
      return parsed._tag === "Rejected"
        ? Effect.fail(
          new SchemaIssue.InvalidValue({ message: bearerRejectionMessage[parsed.reason] }),
        )
        : Effect.succeed(SignatureCredentials.fromStrings(parsed));
    }),
    encode: SchemaGetter.transform((creds: SignatureCredentials) =>
      `Bearer ${
        base64Encode(
          `${Redacted.value(creds.token)}:${Redacted.value(creds.accessKey)}:${
            Redacted.value(creds.accessSecret)
          }`,
        )
      }`
    ),
  }),
).annotate({ identifier: "BearerCredentials" });

/**
 * A workspace admin's API key and secret: HTTP Basic credentials for
 * `POST /batch/{workspace}/signature_tokens`.
 *
 * @example
 * ```ts
 * import { AdminCredentials } from "@mode-discovery/core";
 * const admin = AdminCredentials.fromStrings({ apiKey: "key", apiSecret: "secret" });
 * ```
 */
export class AdminCredentials extends Schema.Class<AdminCredentials>("AdminCredentials")({
  apiKey: Schema.Redacted(Schema.String),
  apiSecret: Schema.Redacted(Schema.String),
}) {
  /** Builds admin credentials from plain strings (each wrapped in `Redacted`). */
  static fromStrings(
    parts: { readonly apiKey: string; readonly apiSecret: string },
  ): AdminCredentials {
    return new AdminCredentials({
      apiKey: Redacted.make(parts.apiKey, { label: "api_key" }),
      apiSecret: Redacted.make(parts.apiSecret, { label: "api_secret" }),
    });
  }

  /** The `Authorization` header value: `Basic base64(api_key:api_secret)`. */
  get authorization(): Redacted.Redacted<string> {
    return Redacted.make(
      `Basic ${base64Encode(`${Redacted.value(this.apiKey)}:${Redacted.value(this.apiSecret)}`)}`,
      { label: "authorization" },
    );
  }

  /** A safe description with no secret. */
  override toString(): string {
    return "AdminCredentials(api_key=<redacted>, api_secret=<redacted>)";
  }

  /** JSON form with every part redacted. */
  toJSON(): unknown {
    return { api_key: "<redacted>", api_secret: "<redacted>" };
  }
}

/**
 * The signature token credentials a `DiscoveryClient` sends.
 *
 * **When to use**
 *
 * Provide `Credentials.layerConfig` to read `MODE_TOKEN`, `MODE_ACCESS_KEY`
 * and `MODE_ACCESS_SECRET`, or `Credentials.layer(values)` with values you hold.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect";
 * import { Credentials } from "@mode-discovery/core";
 * const program = Effect.gen(function* () {
 *   const creds = yield* Credentials;
 *   return String(creds); // secrets redacted
 * }).pipe(Effect.provide(Credentials.layer({ token: "t", accessKey: "k", accessSecret: "s" })));
 * ```
 */
export class Credentials extends Context.Service<Credentials, SignatureCredentials>()(
  "mode-discovery/Credentials",
) {
  /** Credentials from values you hold. */
  static layer(
    values: SignatureCredentials | {
      readonly token: string;
      readonly accessKey: string;
      readonly accessSecret: string;
    },
  ): Layer.Layer<Credentials> {
    return Layer.succeed(
      Credentials,
      values instanceof SignatureCredentials ? values : SignatureCredentials.fromStrings(values),
    );
  }

  /** The three `Config` values read by {@link Credentials.layerConfig}. */
  static readonly config: Config.Config<SignatureCredentials> = Config.all({
    token: Config.Redacted("MODE_TOKEN"),
    accessKey: Config.Redacted("MODE_ACCESS_KEY"),
    accessSecret: Config.Redacted("MODE_ACCESS_SECRET"),
  }).pipe(Config.map((parts) => new SignatureCredentials(parts)));

  /** Credentials from `MODE_TOKEN`, `MODE_ACCESS_KEY` and `MODE_ACCESS_SECRET`. */
  static readonly layerConfig: Layer.Layer<Credentials, Config.ConfigError> = Layer.effect(
    Credentials,
    Credentials.config,
  );
}
