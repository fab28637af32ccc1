-- wrk: intake through the API. Each request POSTs an application for the next PIN of WRK_LIST (threads take
-- interleaved PINs, so no PIN is used twice); WRK_TOKEN is the desk officer's bearer token.
local pins = {}
for line in io.lines(os.getenv("WRK_LIST")) do pins[#pins + 1] = line end
local token = os.getenv("WRK_TOKEN")
local threads = {}
local counter = 0
WRK_THREADS = tonumber(os.getenv("WRK_THREADS") or "2")

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  thread:set("counter_total", WRK_THREADS)
  table.insert(threads, thread)
end

function init(args)
  step = 0
  created = 0
end

request = function()
  local index = id + step * counter_total
  step = step + 1
  local pin = pins[((index - 1) % #pins) + 1]
  local body = '{"pin":"' .. pin .. '","kind":"first","request_id":"bench-' .. pin .. '"}'
  return wrk.format("POST", "/api/v1/applications", {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  if status == 201 then created = created + 1 end
end

done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("created") end
  io.write(string.format("RESULT requests=%d created=%d rps=%.1f created_rps=%.1f p50=%.3f p99=%.3f\n",
    summary.requests, total, summary.requests / (summary.duration / 1e6), total / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
