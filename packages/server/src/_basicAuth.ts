/**
 * Reads `Authorization: Basic base64(api_key:api_secret)` and says precisely
 * what is wrong with it when it cannot.
 *
 * @internal
 * @module
 */
import { base64Decode } from "@mode-discovery/core";

/** Why a Basic header was refused. */
export type BasicRejection = "missing" | "scheme" | "base64" | "parts" | "empty-part";

/** The message for each {@link BasicRejection}; none echoes the credential. */
export const basicRejectionMessage: Record<BasicRejection, string> = {
  missing:
    "No credentials: send the header Authorization: Basic <base64 of api_key:api_secret> made from a workspace admin's API key and secret.",
  scheme:
    "The Authorization header does not use the Basic scheme: send Authorization: Basic <base64 of api_key:api_secret>.",
  base64:
    "The Basic credentials are not valid base64: encode api_key:api_secret with standard base64.",
  parts:
    "The Basic credentials have no colon: they must be base64 of api_key:api_secret, separated by a colon.",
  "empty-part":
    "The Basic credentials have an empty part: api_key and api_secret must both be non-empty.",
};

/** Splits a Basic `Authorization` value into API key and secret, or says why not. */
export const parseBasic = (
  header: string | null | undefined,
):
  | { readonly _tag: "Parsed"; readonly apiKey: string; readonly apiSecret: string }
  | { readonly _tag: "Rejected"; readonly reason: BasicRejection } => {
  if (header === null || header === undefined || header.trim() === "") {
    return { _tag: "Rejected", reason: "missing" };
  }
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const scheme = space < 0 ? trimmed : trimmed.slice(0, space);
  if (scheme.toLowerCase() !== "basic") return { _tag: "Rejected", reason: "scheme" };
  const value = space < 0 ? "" : trimmed.slice(space).trim();
  const text = value === "" ? undefined : base64Decode(value);
  if (text === undefined) return { _tag: "Rejected", reason: "base64" };
  const colon = text.indexOf(":");
  if (colon < 0) return { _tag: "Rejected", reason: "parts" };
  const apiKey = text.slice(0, colon);
  const apiSecret = text.slice(colon + 1);
  if (apiKey === "" || apiSecret === "") return { _tag: "Rejected", reason: "empty-part" };
  return { _tag: "Parsed", apiKey, apiSecret };
};
