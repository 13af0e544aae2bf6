/**
 * Deterministic development data: a workspace's collections generated from
 * its name, the same every time.
 *
 * @module
 */
import { type Collection, spaceUrl } from "@mode-discovery/core";

/** The id of the first seeded collection (as in Mode's documented example). */
export const SEED_FIRST_ID = 170;

/** Version of the generator; part of a seeded workspace's `source`. */
export const SEED_VERSION = 1;

/** sfc32: a small, fast, well-distributed PRNG with a 128-bit state. */
const sfc32 = (a: number, b: number, c: number, d: number) => (): number => {
  a >>>= 0;
  b >>>= 0;
  c >>>= 0;
  d >>>= 0;
  const t = (((a + b) | 0) + d) | 0;
  d = (d + 1) | 0;
  a = b ^ (b >>> 9);
  b = (c + (c << 3)) | 0;
  c = (c << 21) | (c >>> 11);
  c = (c + t) | 0;
  return (t >>> 0) / 4294967296;
};

const hashString = (text: string, seed: number): number => {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 13;
  }
  return h >>> 0;
};

/**
 * A deterministic random source for `seedText`: same text, same sequence.
 *
 * @example
 * ```ts
 * import { seededRandom } from "@mode-discovery/edge";
 * const random = seededRandom("acme");
 * random() === seededRandom("acme")(); // => true
 * ```
 */
export const seededRandom = (seedText: string): () => number => {
  const next = sfc32(
    hashString(seedText, 0x9e3779b9),
    hashString(seedText, 0x85ebca6b),
    hashString(seedText, 0xc2b2ae35),
    hashString(seedText, 0x27d4eb2f),
  );
  for (let i = 0; i < 12; i++) next();
  return next;
};

const TOPICS = [
  "Marketing",
  "Finance",
  "Product Analytics",
  "Growth",
  "Sales Ops",
  "Customer Success",
  "Data Platform",
  "Executive KPIs",
  "Supply Chain",
  "Experimentation",
  "Revenue",
  "Support",
  "Engineering Metrics",
  "HR & People",
  "Partnerships",
];

const QUALIFIERS = [
  "Dashboards",
  "Reports",
  "Weekly Review",
  "Q3 Forecasts",
  "Ad-hoc Queries",
  "Archive",
  "Sandbox",
  "Scorecards",
  "Deep Dives",
  "Board Pack",
];

/** Names that exercise unicode, punctuation, quoting and newlines. */
const ODD_NAMES = [
  "Ventas — España 🇪🇸",
  "Données clients (Zürich)",
  "売上ダッシュボード",
  "Ωmega tests ✓",
  'Sales, "EMEA" & APAC',
  "Costs, margins, and churn",
  "Line one\nline two",
  "Tabs\tand\\backslashes",
  "   leading and trailing spaces   ",
  "<script>alert('x')</script>",
  "😀 Happy metrics 📈",
  "Москва: отчёты",
];

const DESCRIPTIONS = [
  "Everything the team looks at on Monday mornings.",
  "Reports shared with the board; ask before editing.",
  "Queries used by the weekly business review, refreshed nightly.",
  'Owned by the "data platform" team, see #data-help.',
  "Multi-line description:\n- first point\n- second point",
  "Données agrégées par région, mises à jour chaque jour.",
  "Includes commas, semicolons; and other punctuation: !?",
  "Emoji 📊 and CJK 数据分析 in the same line.",
  "Deprecated. Use the new collection instead.",
  "",
];

/** The space types seeded, with their weights. */
const SPACE_TYPES: ReadonlyArray<readonly [string, number]> = [
  ["custom", 70],
  ["private", 15],
  ["community", 10],
  ["shared", 5],
];

const pick = <A>(random: () => number, items: ReadonlyArray<A>): A =>
  items[Math.floor(random() * items.length)];

const pickWeighted = (random: () => number): string => {
  let r = random() * 100;
  for (const [value, weight] of SPACE_TYPES) {
    if (r < weight) return value;
    r -= weight;
  }
  return SPACE_TYPES[0][0];
};

const hex12 = (random: () => number): string => {
  let out = "";
  for (let i = 0; i < 12; i++) out += Math.floor(random() * 16).toString(16);
  return out;
};

/**
 * The `count` collections seeded for `workspace`: the same every call.
 *
 * **Details**
 *
 * - ids ascend from 170 with occasional gaps;
 * - tokens are 12 lowercase hex characters, unique in the workspace;
 * - about 15% of names and 40% of descriptions are `null`; others include
 *   unicode, commas, quotes, backslashes and newlines;
 * - `space_type` is mostly `custom`, also `private`, `community`, `shared`;
 * - `space_url` is Mode's `/api/{workspace}/spaces/{token}`.
 *
 * @example
 * ```ts
 * import { seedCollections } from "@mode-discovery/edge";
 * const rows = seedCollections("acme", 3);
 * rows[0].id; // => 170
 * ```
 */
export const seedCollections = (workspace: string, count: number): ReadonlyArray<Collection> => {
  const random = seededRandom(`mode-discovery:seed:v${SEED_VERSION}:${workspace}`);
  const tokens = new Set<string>();
  const out: Array<Collection> = [];
  let id = SEED_FIRST_ID;
  for (let i = 0; i < count; i++) {
    if (i > 0) id += random() < 0.1 ? 2 + Math.floor(random() * 40) : 1;
    let token = hex12(random);
    while (tokens.has(token)) token = hex12(random);
    tokens.add(token);
    const nameRoll = random();
    const name = nameRoll < 0.15
      ? null
      : nameRoll < 0.25
      ? pick(random, ODD_NAMES)
      : `${pick(random, TOPICS)} ${pick(random, QUALIFIERS)}${
        random() < 0.3 ? ` ${1 + Math.floor(random() * 99)}` : ""
      }`;
    const description = random() < 0.4 ? null : pick(random, DESCRIPTIONS);
    out.push({
      id,
      token,
      name,
      description,
      space_type: pickWeighted(random),
      space_url: spaceUrl(workspace, token),
    });
  }
  return out;
};
