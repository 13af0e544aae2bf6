/**
 * `SettingsError`: a setting of the server with a bad value.
 *
 * @module
 */
import * as Schema from "effect/Schema";

/**
 * A setting with a bad value. `variable` names it (the environment
 * variable, or the option in code); the message says what it takes and
 * never repeats a secret.
 *
 * @example
 * ```ts
 * import { SettingsError } from "@mode-discovery/server";
 * const e = new SettingsError({ variable: "PORT", message: "Invalid PORT: ..." });
 * ```
 */
export class SettingsError extends Schema.TaggedError<SettingsError>()(
  "SettingsError",
  { variable: Schema.String, message: Schema.String },
) {}

/**
 * The error for `variable`, with the message `Invalid <variable>: <detail>`.
 *
 * @example
 * ```ts
 * import { settingsError } from "@mode-discovery/server";
 * settingsError("PORT", "got \"x\"; it must be a whole number.").message;
 * // => 'Invalid PORT: got "x"; it must be a whole number.'
 * ```
 */
export const settingsError = (variable: string, detail: string): SettingsError =>
  new SettingsError({ variable, message: `Invalid ${variable}: ${detail}` });

/**
 * A value shown in an error message: quoted, and cut after 60 characters.
 *
 * @example
 * ```ts
 * import { quoteSetting } from "@mode-discovery/server";
 * quoteSetting("lots"); // => '"lots"'
 * ```
 */
export const quoteSetting = (text: string): string =>
  JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
