-- wrk script of the reliability load runs: GET pages of every resource route
-- with one Authorization header, cycling through the routes and, for each,
-- through its pages 1..N, counting every status and the requests sent per
-- route, and printing one JSON line at the end.
--
--   LOAD_ROUTES=/batch/acme/spaces:200,/batch/acme/reports:175 LOAD_PER_PAGE=100 \
--   LOAD_AUTH="Bearer ..." wrk -t2 -c64 -d20s --latency -s reliability/load.lua http://127.0.0.1:8787

local per_page = os.getenv("LOAD_PER_PAGE")
local auth = os.getenv("LOAD_AUTH")
local routes = {}
for path, pages in string.gmatch(os.getenv("LOAD_ROUTES"), "([^,:]+):(%d+)") do
  table.insert(routes, { path = path, pages = tonumber(pages) })
end
local threads = {}
local counter = 0
statuses = {}
sent = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counter = math.random(0, 1000000)
  statuses = {}
  sent = {}
end

function request()
  local i = 1 + (counter % #routes)
  local route = routes[i]
  local page = 1 + (math.floor(counter / #routes) % route.pages)
  counter = counter + 1
  sent[i] = (sent[i] or 0) + 1
  return wrk.format("GET", route.path .. "?page=" .. page .. "&per_page=" .. per_page,
    { ["Authorization"] = auth })
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  local per_route = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      merged[status] = (merged[status] or 0) + n
    end
    local made = thread:get("sent")
    for i, n in pairs(made) do
      per_route[i] = (per_route[i] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(merged) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  local route_parts = {}
  for i, route in ipairs(routes) do
    table.insert(route_parts, string.format('"%s":%d', route.path, per_route[i] or 0))
  end
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"statuses":{%s},"sent":{%s},' ..
    '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    table.concat(parts, ","), table.concat(route_parts, ","),
    latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
