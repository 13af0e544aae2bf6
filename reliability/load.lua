-- wrk script of the reliability load runs: GET collections pages with one
-- Authorization header, cycling through pages 1..LOAD_PAGES, counting every
-- status, and printing one JSON line at the end.
--
--   LOAD_PATH=/batch/acme/spaces LOAD_PER_PAGE=100 LOAD_PAGES=200 \
--   LOAD_AUTH="Bearer ..." wrk -t2 -c64 -d20s --latency -s reliability/load.lua http://127.0.0.1:8787

local path = os.getenv("LOAD_PATH")
local per_page = os.getenv("LOAD_PER_PAGE")
local pages = tonumber(os.getenv("LOAD_PAGES"))
local auth = os.getenv("LOAD_AUTH")
local threads = {}
local counter = 0
statuses = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counter = math.random(0, pages - 1)
  statuses = {}
end

function request()
  local page = 1 + (counter % pages)
  counter = counter + 1
  return wrk.format("GET", path .. "?page=" .. page .. "&per_page=" .. per_page,
    { ["Authorization"] = auth })
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      merged[status] = (merged[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(merged) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"statuses":{%s},' ..
    '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    table.concat(parts, ","),
    latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
