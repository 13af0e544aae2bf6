-- wrk script of the server benchmarks: GET pages of one resource (BENCH_PATH) with a bearer
-- token, cycling through pages BENCH_FIRST_PAGE .. BENCH_FIRST_PAGE+BENCH_PAGES-1
-- (BENCH_PAGES=1 hits one page), and print a JSON summary at the end.
--
--   BENCH_PATH=/batch/bench/spaces BENCH_PER_PAGE=1000 BENCH_PAGES=100 \
--   BENCH_FIRST_PAGE=1 BENCH_AUTH="Bearer ..." \
--   wrk -t1 -c16 -d8s --latency -s bench/wrk_pages.lua http://127.0.0.1:8787

local path = os.getenv("BENCH_PATH")
local per_page = os.getenv("BENCH_PER_PAGE")
local pages = tonumber(os.getenv("BENCH_PAGES"))
local first = tonumber(os.getenv("BENCH_FIRST_PAGE") or "1")
local auth = os.getenv("BENCH_AUTH")
local counter = 0

function init(args)
  -- threads start at different pages so they do not walk in lockstep
  counter = math.random(0, pages - 1)
end

function request()
  local page = first + (counter % pages)
  counter = counter + 1
  return wrk.format("GET", path .. "?page=" .. page .. "&per_page=" .. per_page,
    { ["Authorization"] = auth })
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
