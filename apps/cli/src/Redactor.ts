/**
 * A last line of defence for diagnostics: replaces any known secret that
 * slipped into a message with `<redacted>`.
 *
 * @module
 */
import * as Redacted from "effect/Redacted";
import {
  type AdminCredentials,
  base64Encode,
  type SignatureCredentials,
} from "@mode-discovery/core/Credentials";

const MIN_SECRET_LENGTH = 4;

/**
 * Scrubs known secrets out of text before it reaches stderr.
 *
 * **When to use**
 *
 * Pass every diagnostic line (errors, warnings, `--verbose` request lines)
 * through {@link Redactor.scrub} once credentials are known. The command never
 * prints a secret on purpose; this catches a server that echoes one back.
 *
 * **Details**
 *
 * Each secret part, and the base64 forms sent in `Authorization` headers, are
 * replaced. Values shorter than 4 characters are not scrubbed (they would
 * mangle ordinary words); real signature tokens are far longer.
 *
 * @example
 * ```ts
 * import { Redactor } from "@mode-discovery/cli";
 * Redactor.empty.add(["s3cr3t-value"]).scrub("got s3cr3t-value"); // => "got <redacted>"
 * ```
 */
export class Redactor {
  private constructor(private readonly secrets: ReadonlyArray<string>) {}

  /** A redactor that knows no secret yet. */
  static readonly empty: Redactor = new Redactor([]);

  /** A redactor that also scrubs `values` (longest first, so parts never leak). */
  add(values: Iterable<string>): Redactor {
    const all = new Set(this.secrets);
    for (const value of values) if (value.length >= MIN_SECRET_LENGTH) all.add(value);
    return new Redactor([...all].sort((a, b) => b.length - a.length));
  }

  /** Adds the three parts of signature credentials and their `Bearer` value. */
  addSignature(credentials: SignatureCredentials): Redactor {
    const token = Redacted.value(credentials.token);
    const key = Redacted.value(credentials.accessKey);
    const secret = Redacted.value(credentials.accessSecret);
    return this.add([token, key, secret, base64Encode(`${token}:${key}:${secret}`)]);
  }

  /** Adds an admin API key and secret and their `Basic` value. */
  addAdmin(admin: AdminCredentials): Redactor {
    const key = Redacted.value(admin.apiKey);
    const secret = Redacted.value(admin.apiSecret);
    return this.add([key, secret, base64Encode(`${key}:${secret}`)]);
  }

  /** `text` with every known secret replaced by `<redacted>`. */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join("<redacted>");
    return out;
  }
}
