/**
 * `EdgeSettingsError`: a setting of the edge server with a bad value.
 *
 * @module
 */
import * as Schema from "effect/Schema";

/**
 * A setting with a bad value. `variable` names it; the message says what it
 * takes and never repeats a secret.
 *
 * @example
 * ```ts
 * import { EdgeSettingsError } from "@mode-discovery/edge";
 * const e = new EdgeSettingsError({ variable: "PORT", message: "Invalid PORT: ..." });
 * ```
 */
export class EdgeSettingsError extends Schema.TaggedError<EdgeSettingsError>()(
  "EdgeSettingsError",
  { variable: Schema.String, message: Schema.String },
) {}

/**
 * The error for `variable`, with the message `Invalid <variable>: <detail>`.
 *
 * @example
 * ```ts
 * import { settingsError } from "@mode-discovery/edge";
 * settingsError("PORT", "got \"x\"; it must be a whole number.").message;
 * // => 'Invalid PORT: got "x"; it must be a whole number.'
 * ```
 */
export const settingsError = (variable: string, detail: string): EdgeSettingsError =>
  new EdgeSettingsError({ variable, message: `Invalid ${variable}: ${detail}` });

/** A value shown in an error message: quoted, and cut after 60 characters. */
export const quoteSetting = (text: string): string =>
  JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
