/**
 * Realistic values for the six resources of the seeded world: names with
 * unicode, quotes, commas and newlines; SQL text with newlines and quotes;
 * reports that never ran (null run fields); banned and deactivated
 * members; charts of several types; about one collection in eight
 * personal. Keys, tokens and every field a relation sets come from the
 * engine (`_seedWorld.ts`); these fill the rest.
 *
 * @internal
 * @module
 */
import { reportUrl, spaceUrl } from "@mode-discovery/core";
import {
  hex12,
  type Random,
  SEED_EPOCH_MS,
  SEED_SPAN_MS,
  type SeedContext,
  type ValueGenerator,
} from "./_seedWorld.ts";

const pick = <A>(random: Random, items: ReadonlyArray<A>): A =>
  items[Math.floor(random() * items.length)];

const weighted = <A>(random: Random, items: ReadonlyArray<readonly [A, number]>): A => {
  let r = random() * items.reduce((total, [, weight]) => total + weight, 0);
  for (const [value, weight] of items) {
    if (r < weight) return value;
    r -= weight;
  }
  return items[0][0];
};

/** A timestamp `ms` after the seed epoch (ISO 8601 with milliseconds, UTC). */
const at = (ms: number): string => new Date(SEED_EPOCH_MS + Math.floor(ms)).toISOString();

/** A moment after `from` (ms since the epoch), within the seeded span. */
const after = (random: Random, from: number): number =>
  from + random() * Math.max(1, SEED_SPAN_MS - from);

/** The start of the UTC day of `ms` since the epoch. */
const day = (ms: number): string => {
  const date = new Date(SEED_EPOCH_MS + Math.floor(ms));
  date.setUTCHours(0, 0, 0, 0);
  return date.toISOString();
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

const METRICS = [
  "Revenue",
  "Signups",
  "Churn",
  "Active users",
  "Orders",
  "Refunds",
  "Pipeline",
  "NPS",
  "Latency",
  "Tickets",
  "Conversion",
  "Inventory",
];

const BREAKDOWNS = [
  "by region",
  "by week",
  "by plan",
  "by channel",
  "per customer",
  "vs. last year",
  "by country — EMEA",
  "by cohort",
];

/** A name such as "Revenue by region", sometimes one of {@link ODD_NAMES}. */
const metricName = (random: Random): string =>
  random() < 0.1 ? pick(random, ODD_NAMES) : `${pick(random, METRICS)} ${pick(random, BREAKDOWNS)}`;

const TABLES = ["orders", "accounts", "events", "subscriptions", "tickets", "invoices", "users"];
const COLUMNS = ["region", "plan", "channel", "country", "status", "segment"];

/** SQL text of the shapes people write: newlines, quotes, comments, unicode literals. */
const sqlText = (random: Random): string => {
  const table = pick(random, TABLES);
  const column = pick(random, COLUMNS);
  const year = 2019 + Math.floor(random() * 3);
  switch (Math.floor(random() * 5)) {
    case 0:
      return `SELECT ${column}, SUM(amount) AS revenue\nFROM ${table}\nWHERE created_at >= '${year}-01-01'\nGROUP BY 1\nORDER BY 2 DESC`;
    case 1:
      return `-- ${
        pick(random, METRICS)
      }: don't change without asking #data-help\nSELECT COUNT(*) AS "Total ${column}"\nFROM ${table}\nWHERE ${column} = 'O''Brien''s'`;
    case 2:
      return `WITH recent AS (\n  SELECT *\n  FROM ${table}\n  WHERE ${column} IN ('Zürich', 'São Paulo', '東京')\n)\nSELECT ${column}, COUNT(*)\nFROM recent\nGROUP BY ${column}`;
    case 3:
      return `SELECT\n  date_trunc('week', created_at) AS week,\n  COUNT(DISTINCT user_id) AS "weekly users"\nFROM ${table}\nGROUP BY 1`;
    default:
      return `select * from ${table} limit 100;`;
  }
};

const CHART_TYPES: ReadonlyArray<readonly [string, number]> = [
  ["bar", 25],
  ["line", 25],
  ["table", 15],
  ["bigNumber", 10],
  ["stackedBar100", 8],
  ["pie", 6],
  ["area", 5],
  ["scatter", 3],
  ["pivotTable", 3],
];

const FIRST_NAMES = [
  "ana",
  "li",
  "noah",
  "fatima",
  "jonas",
  "mei",
  "omar",
  "zoe",
  "ravi",
  "ingrid",
  "kofi",
  "lucia",
  "sven",
  "aiko",
  "mateo",
  "nia",
];
const LAST_NAMES = [
  "silva",
  "chen",
  "okafor",
  "muller",
  "haddad",
  "tanaka",
  "novak",
  "garcia",
  "kowalski",
  "dubois",
  "smith",
  "ivanova",
];

const sources = new Map<string, ReadonlyArray<string>>();

/** A few data sources per workspace: the same tokens for every query of a seed. */
const dataSources = (context: SeedContext): ReadonlyArray<string> => {
  const known = sources.get(context.workspace);
  if (known !== undefined) return known;
  let seed = 0x2545f491;
  for (let i = 0; i < context.workspace.length; i++) {
    seed = Math.imul(seed ^ context.workspace.charCodeAt(i), 0x5bd1e995) >>> 0;
  }
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const tokens = [hex12(random), hex12(random), hex12(random), hex12(random)];
  if (sources.size > 100) sources.clear();
  sources.set(context.workspace, tokens);
  return tokens;
};

/** A few distinct e-mail addresses of members (none when there are no members). */
const emails = (context: SeedContext, most: number): ReadonlyArray<string> => {
  const out = new Set<string>();
  const n = Math.floor(context.random() * (most + 1));
  for (let i = 0; i < n; i++) {
    const member = context.pick("members");
    if (typeof member?.member_email === "string") out.add(member.member_email);
  }
  return [...out];
};

const collections: ValueGenerator = {
  // The first id of Mode's documented example.
  firstKey: 170,
  values: ({ workspace, index, count, random, row }) => {
    const nameRoll = random();
    return {
      name: nameRoll < 0.15
        ? null
        : nameRoll < 0.25
        ? pick(random, ODD_NAMES)
        : `${pick(random, TOPICS)} ${pick(random, QUALIFIERS)}${
          random() < 0.3 ? ` ${1 + Math.floor(random() * 99)}` : ""
        }`,
      description: random() < 0.4 ? null : pick(random, DESCRIPTIONS),
      // One collection in eight is a member's personal collection, once there are eight.
      space_type: count >= 8 && index % 8 === 5 ? "private" : weighted(random, [
        ["custom", 75],
        ["community", 15],
        ["shared", 10],
      ]),
      space_url: spaceUrl(workspace, String(row.token)),
    };
  },
};

const members: ValueGenerator = {
  firstKey: 301,
  values: ({ index, random }) => {
    const first = pick(random, FIRST_NAMES);
    const last = pick(random, LAST_NAMES);
    // The position makes the username (and the e-mail address) unique in the workspace.
    const username = `${first}.${last}${index + 1}`;
    const activated = random() * SEED_SPAN_MS * 0.6;
    const banned = random() < 0.04;
    const deactivated = banned || random() < 0.08;
    const active = (chance: number) => random() < chance ? at(after(random, activated)) : null;
    const engaged = after(random, activated);
    return {
      state: deactivated ? "deactivated" : "active",
      member_email: `${username}@example.com`,
      member_token: hex12(random),
      member_username: username,
      banned_at: banned ? at(after(random, activated)) : null,
      activated_at: random() < 0.03 ? null : at(activated),
      last_report_created_at: active(0.6),
      last_report_edited_at: active(0.6),
      last_report_viewed_at: active(0.9),
      last_report_run_at: active(0.7),
      last_day_engaged: day(engaged),
      last_day_api_engaged: random() < 0.2 ? day(after(random, activated)) : null,
      last_day_in_app_engaged: random() < 0.95 ? day(engaged) : null,
      last_exploration_created_at: active(0.3),
      last_exploration_updated_at: active(0.3),
      total_days_engaged: Math.floor(random() * 900),
    };
  },
};

const reports: ValueGenerator = {
  firstKey: 1001,
  values: ({ workspace, random, row }) => {
    const created = random() * SEED_SPAN_MS * 0.8;
    const edited = random() < 0.2 ? undefined : after(random, created);
    const updated = after(random, edited ?? created);
    const ran = random() >= 0.15;
    const lastRun = ran ? after(random, created) : undefined;
    const state = ran
      ? weighted(random, [["succeeded", 80], ["failed", 12], ["cancelled", 5], ["running", 3]])
      : null;
    const lastSuccess = state === "succeeded"
      ? lastRun
      : ran && random() < 0.6
      ? created + (lastRun! - created) * random()
      : undefined;
    return {
      name: metricName(random),
      description: random() < 0.4 ? null : pick(random, DESCRIPTIONS),
      created_at: at(created),
      edited_at: edited === undefined ? null : at(edited),
      updated_at: at(updated),
      last_successfully_run_at: lastSuccess === undefined ? null : at(lastSuccess),
      last_viewed_at: random() < 0.1 ? null : at(after(random, created)),
      last_run_at: lastRun === undefined ? null : at(lastRun),
      last_run_token: ran ? hex12(random) : null,
      last_run_state: state,
      report_url: reportUrl(workspace, String(row.token)),
    };
  },
};

const queries: ValueGenerator = {
  firstKey: 20001,
  values: (context) => ({
    name: context.random() < 0.1 ? `Query ${context.index + 1}` : metricName(context.random),
    raw_query: sqlText(context.random),
    data_source_token: pick(context.random, dataSources(context)),
  }),
};

const charts: ValueGenerator = {
  firstKey: 40001,
  values: ({ workspace, random, row }) => ({
    chart_type: weighted(random, CHART_TYPES),
    chart_title: random() < 0.15 ? null : metricName(random),
    exploration_url: random() < 0.3
      ? null
      : `${reportUrl(workspace, String(row.report_token))}/explorations/${String(row.token)}`,
  }),
};

const reportStats: ValueGenerator = {
  firstKey: 1,
  values: (context) => {
    const { random, parents } = context;
    const schedules = weighted(random, [[0, 60], [1, 25], [2, 10], [3, 5]]);
    const creator = parents.reports?.creator_email;
    const editors = new Set(emails(context, 3));
    if (typeof creator === "string") editors.add(creator);
    return {
      active_schedules_count: schedules,
      explorations_count: Math.floor(random() * random() * 40),
      view_count: Math.floor(random() * random() * random() * 5000),
      recent_manual_run_creators_emails: emails(context, 3),
      scheduled_run_creators_emails: schedules === 0 ? [] : emails(context, 2),
      editors_emails: [...editors],
    };
  },
};

/** The value generators, by resource name. A resource without one gets values from its field kinds. */
export const valueGenerators: Readonly<Record<string, ValueGenerator>> = {
  collections,
  members,
  reports,
  queries,
  charts,
  reportStats,
};
