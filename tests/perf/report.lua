-- wrk script for tests/perf/run.py: counts every response that is not a 200 (a redirect to the
-- login page is as wrong as a 500 here), then prints one line of JSON with the figures.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
  last_status = 0
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
    last_status = status
  end
end

function done(summary, latency, requests)
  local bad, status = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_ok")
    if thread:get("last_status") ~= 0 then status = thread:get("last_status") end
  end
  local errors = summary.errors
  io.write(string.format(
    'PERF_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "not_200": %d, "last_bad_status": %d, ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %.0f, "p95": %.0f, "p99": %.0f, "max": %.0f, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes, bad, status,
    errors.connect, errors.read, errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
