-- wrk: a face photo (WRK_FILE) PUT to each application of WRK_LIST in turn (threads interleaved).
local ids = {}
for line in io.lines(os.getenv("WRK_LIST")) do ids[#ids + 1] = line end
local file = io.open(os.getenv("WRK_FILE"), "rb")
local photo = file:read("*all")
file:close()
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
  stored = 0
end

request = function()
  local index = id + step * counter_total
  step = step + 1
  local application = ids[((index - 1) % #ids) + 1]
  return wrk.format("PUT", "/api/v1/applications/" .. application .. "/biometrics/face",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "image/jpeg"}, photo)
end

response = function(status, headers, body)
  if status == 200 then stored = stored + 1 end
end

done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("stored") end
  io.write(string.format("RESULT requests=%d stored=%d rps=%.1f stored_rps=%.1f p50=%.3f p99=%.3f mb_s=%.1f\n",
    summary.requests, total, summary.requests / (summary.duration / 1e6), total / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests * #photo / summary.duration))
end
