-- wrk: each request picks a random line of WRK_LIST. GET requests append it to WRK_PREFIX (a PIN in
-- the path); with WRK_BODY_KEY set, it is POSTed to WRK_PREFIX as {"KEY": "line"} (search criteria
-- travel in the body, never in the URL). WRK_TOKEN, when set, is sent as a bearer token. The summary
-- prints the percentiles the issues name.
local items = {}
local path_prefix = os.getenv("WRK_PREFIX") or "/api/v1/residents/"
local list = os.getenv("WRK_LIST")
local body_key = os.getenv("WRK_BODY_KEY")
local token = os.getenv("WRK_TOKEN")
for line in io.lines(list) do items[#items + 1] = line end
math.randomseed(42)
local headers = {}
if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end

-- WRK_THINK_MS, when set: each connection waits a random time with this mean (exponential) before its
-- next request, as officers do between look-ups; many connections then send a steady, Poisson-like
-- stream of requests instead of the most the server can answer.
local think = tonumber(os.getenv("WRK_THINK_MS") or "")
if think then
  delay = function()
    -- wrk takes whole milliseconds.
    return math.floor(-think * math.log(1 - math.random()) + 0.5)
  end
end

request = function()
  local item = items[math.random(#items)]
  if body_key and body_key ~= "" then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", path_prefix, headers, '{"' .. body_key .. '":"' .. item .. '"}')
  end
  return wrk.format("GET", path_prefix .. item, headers)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d rps=%.1f p50=%.3f p95=%.3f p99=%.3f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
