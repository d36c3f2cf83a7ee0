-- wrk script for bench/bench_service.py: POST one JSON body per request, read from a file.
--
--   wrk -t THREADS -s bench/wrk_bodies.lua <url> -- BODIES_FILE START_OFFSET THREADS
--
-- BODIES_FILE holds one request body per line. Each wrk thread takes every n-th line starting at its own
-- index (thread i of n sends lines START+i, START+i+n, ...), so no body is sent twice while the file
-- lasts: with distinct signed credentials every request is a cold verification. When a thread runs out it
-- starts over and counts the repeats ("wrapped"), which the rig reports: those were cache hits.
-- done() prints one JSON line (prefixed "WRK_JSON ") with the counts and latency percentiles (microseconds).

local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path, start = args[1], tonumber(args[2] or "0")
  nthreads = tonumber(args[3] or "1")
  bodies = {}
  for line in io.lines(path) do
    bodies[#bodies + 1] = line
  end
  position = start + index
  wrapped = 0
  verified = 0
  not_verified = 0
  other = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local i = position % #bodies
  if position >= #bodies then
    wrapped = wrapped + 1
  end
  position = position + nthreads
  return wrk.format(nil, nil, nil, bodies[i + 1])
end

function response(status, headers, body)
  if status ~= 200 then
    other = other + 1
  elseif string.find(body, '"verified":%s*true') then
    verified = verified + 1
  else
    not_verified = not_verified + 1
  end
end

function done(summary, latency, requests)
  local w, v, nv, o = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    w = w + t:get("wrapped")
    v = v + t:get("verified")
    nv = nv + t:get("not_verified")
    o = o + t:get("other")
  end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "errors": %d, "wrapped": %d, "verified": %d, ' ..
    '"not_verified": %d, "other_status": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    w, v, nv, o, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
