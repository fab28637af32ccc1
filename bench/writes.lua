-- wrk: one write per item of WRK_LIST, threads taking interleaved items so that none is used twice.
--   WRK_MODE=intake: POST an application for each PIN of the list;
--   WRK_MODE=upload: PUT the photo WRK_FILE to each application id of the list.
-- WRK_TOKEN is the officer's bearer token; WRK_THREADS must equal wrk's -t. The summary counts the writes that
-- succeeded (201 for intake, 200 for upload).
local items = {}
for line in io.lines(os.getenv("WRK_LIST")) do items[#items + 1] = line end
local mode = os.getenv("WRK_MODE") or "intake"
local photo = ""
if mode == "upload" then
  local file = io.open(os.getenv("WRK_FILE"), "rb")
  photo = file:read("*all")
  file:close()
end
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
  succeeded = 0
end

request = function()
  local item = items[((id + step * counter_total - 1) % #items) + 1]
  step = step + 1
  if mode == "upload" then
    return wrk.format("PUT", "/api/v1/applications/" .. item .. "/biometrics/face",
      {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "image/jpeg"}, photo)
  end
  local body = '{"pin":"' .. item .. '","kind":"first","request_id":"bench-' .. item .. '"}'
  return wrk.format("POST", "/api/v1/applications", {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  if status == (mode == "upload" and 200 or 201) then succeeded = succeeded + 1 end
end

done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("succeeded") end
  io.write(string.format("RESULT requests=%d succeeded=%d rps=%.1f succeeded_rps=%.1f p50=%.3f p99=%.3f mb_s=%.1f\n",
    summary.requests, total, summary.requests / (summary.duration / 1e6), total / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests * #photo / summary.duration))
end
