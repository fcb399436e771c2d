-- wrk script for web/loadtest/load.sh: POST /api/v1/check for one ISIN
-- (China Mobile, a listed NS-CMIC security) with the broker key from the
-- API_KEY environment variable. At the end it prints one LOADTEST line with
-- the figures load.sh checks, so the script need not parse wrk's prose.

wrk.method = "POST"
wrk.path = "/api/v1/check"
wrk.body = '{"items":[{"id":"HK0941009539","side":"buy"}],"as_of":"2023-01-01"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("API_KEY") or ""

-- DELAY_MS paces each connection: it waits that long after each answer
-- before its next request, so the offered rate is about connections /
-- (DELAY_MS + latency) instead of "as fast as the server answers". With 0
-- (the default) wrk saturates the server and its latency figures are
-- queueing; a paced run measures the latency at a given rate.
local pause = tonumber(os.getenv("DELAY_MS") or "0")
if pause > 0 then
  delay = function() return pause end
end

done = function(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "LOADTEST requests=%d seconds=%.1f rps=%.0f non2xx=%d socket_errors=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, secs, summary.requests / secs, e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
