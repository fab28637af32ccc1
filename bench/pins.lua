-- wrk: each request looks up a random PIN from bench/pins.txt (given as WRK_LIST) via the search API,
-- and the summary prints the percentiles the issue names.
local items = {}
local path_prefix = os.getenv("WRK_PREFIX") or "/api/v1/residents?pin="
local list = os.getenv("WRK_LIST")
for line in io.lines(list) do items[#items + 1] = line end
math.randomseed(42)

request = function()
  return wrk.format("GET", path_prefix .. items[math.random(#items)])
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d rps=%.1f p50=%.3f p95=%.3f p99=%.3f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
