/**
 * What `createClient` takes from its options and the environment: the
 * default workspace, the base URL and the signature credentials, with the
 * same variables as the command-line tool.
 *
 * @internal
 * @module
 */
import { SignatureCredentials } from "@mode-discovery/core";
import { BadRequestError, type ModeDiscoveryError, UnauthorizedError } from "./Errors.ts";

/** Environment variables, as in `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The process environment where there is one (Node, Deno, Bun), else nothing. */
export const processEnv = (): Env =>
  (globalThis as { readonly process?: { readonly env?: Env } }).process?.env ?? {};

/** The parts of the client options read here. */
export interface SettingsInput {
  readonly workspace?: string | undefined;
  readonly token?: string | undefined;
  readonly accessKey?: string | undefined;
  readonly accessSecret?: string | undefined;
  readonly baseUrl?: string | undefined;
}

/** Settings resolved from options and environment. */
export interface ResolvedSettings {
  readonly workspace: string | undefined;
  readonly baseUrl: string | undefined;
  readonly credentials: SignatureCredentials | undefined;
}

const PARTS = [
  { option: "token", variable: "MODE_TOKEN" },
  { option: "accessKey", variable: "MODE_ACCESS_KEY" },
  { option: "accessSecret", variable: "MODE_ACCESS_SECRET" },
] as const;

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;

const credentialsFrom = (
  options: SettingsInput,
  env: Env,
): SignatureCredentials | undefined | ModeDiscoveryError => {
  for (const { option } of PARTS) {
    const value = options[option];
    if (value !== undefined && typeof value !== "string") {
      return new BadRequestError(
        `Invalid option ${option} of createClient: expected a string, got ${
          value === null ? "null" : typeof value
        }.`,
      );
    }
  }
  const fromOptions = PARTS.some(({ option }) => text(options[option]) !== undefined);
  const values = PARTS.map(({ option, variable }) =>
    fromOptions ? text(options[option]) : text(env[variable])
  );
  const missing = PARTS.filter((_, i) => values[i] === undefined);
  if (missing.length === PARTS.length) return undefined;
  if (missing.length > 0) {
    const names = missing.map((p) => fromOptions ? p.option : p.variable).join(" and ");
    return new UnauthorizedError(
      fromOptions
        ? `Incomplete credentials: createClient was given ${
          PARTS.filter((_, i) => values[i] !== undefined).map((p) => p.option).join(" and ")
        } but not ${names}. Pass all three of token, accessKey and accessSecret (from one signature token), or none to read MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET.`
        : `Incomplete credentials in the environment: ${names} ${
          missing.length === 1 ? "is" : "are"
        } not set. Set all three of MODE_TOKEN, MODE_ACCESS_KEY and MODE_ACCESS_SECRET from one signature token, or pass token, accessKey and accessSecret to createClient.`,
    );
  }
  const [token, accessKey, accessSecret] = values as [string, string, string];
  for (const [value, i] of [[token, 0], [accessKey, 1]] as const) {
    if (value.includes(":")) {
      const name = fromOptions ? PARTS[i].option : PARTS[i].variable;
      return new UnauthorizedError(
        `Invalid credentials: ${name} contains ':', which a signature token's ${
          i === 0 ? "token" : "access key"
        } never does. Check that the values were copied whole and into the right fields.`,
      );
    }
  }
  return SignatureCredentials.fromStrings({ token, accessKey, accessSecret });
};

/**
 * Resolves the workspace (option, else `MODE_WORKSPACE`), the base URL
 * (option, else `MODE_BASE_URL`; core checks it) and the credentials
 * (`token`, `accessKey` and `accessSecret` together, else `MODE_TOKEN`,
 * `MODE_ACCESS_KEY` and `MODE_ACCESS_SECRET` together).
 */
export const resolveSettings = (
  options: SettingsInput,
  env: Env,
): ResolvedSettings | ModeDiscoveryError => {
  for (const name of ["workspace", "baseUrl"] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== "string") {
      return new BadRequestError(
        `Invalid option ${name} of createClient: expected a string, got ${
          value === null ? "null" : typeof value
        }.`,
      );
    }
  }
  const credentials = credentialsFrom(options, env);
  if (credentials instanceof Error) return credentials;
  return {
    workspace: text(options.workspace) ?? text(env["MODE_WORKSPACE"]),
    baseUrl: text(options.baseUrl) ?? text(env["MODE_BASE_URL"]),
    credentials,
  };
};
