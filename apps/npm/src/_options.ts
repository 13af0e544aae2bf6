/**
 * Checks of option objects given by JavaScript callers, who have no type
 * checker to catch a typo.
 *
 * @internal
 * @module
 */

/**
 * A message naming the first key of `options` that is not one of `known`,
 * or `undefined` when there is none.
 */
export const unknownKeys = (
  options: object,
  known: ReadonlyArray<string>,
  where: string,
): string | undefined => {
  const unknown = Object.keys(options).find((key) => !known.includes(key));
  if (unknown === undefined) return undefined;
  return `Unknown option ${JSON.stringify(unknown.slice(0, 60))} of ${where}. The options are: ${
    known.join(", ")
  }.`;
};

/** A message when `options` is neither an object nor absent, naming `where`. */
export const notAnObject = (options: unknown, where: string): string | undefined =>
  options === undefined || (typeof options === "object" && options !== null)
    ? undefined
    : `The options of ${where} must be an object, got ${
      options === null ? "null" : typeof options
    }.`;

/** A message when the named options of `options` are set but are not functions. */
export const notFunctions = (
  options: object,
  names: ReadonlyArray<string>,
  where: string,
): string | undefined => {
  const record = options as Record<string, unknown>;
  const name = names.find((n) => record[n] !== undefined && typeof record[n] !== "function");
  return name === undefined
    ? undefined
    : `Invalid option ${name} of ${where}: expected a function, got ${
      record[name] === null ? "null" : typeof record[name]
    }.`;
};
