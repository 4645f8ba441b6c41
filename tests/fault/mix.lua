-- The load of the fault test: a mix of pages, assets, 404s and (optionally) membership
-- inquiries, each inquiry with a form token and a client address of its own. Counts answers
-- by status class across all threads and prints them as one JSON line.
-- Arguments: the file of paths (one "kind path" per line), the file of form tokens (or "-"),
-- and the share of requests (per mille) that are inquiries.

local paths = {}
local tokens = {}
local inquiry_per_mille = 0
local counter = 0
-- Global, so that done() can read each thread's with thread:get.
counts = { ["2"] = 0, ["3"] = 0, ["4"] = 0, ["5"] = 0 }
local threads = {}

setup = function(thread)
  thread:set("thread_number", #threads)
  threads[#threads + 1] = thread
end

init = function(args)
  for line in io.lines(args[1]) do
    local _, path = line:match("^(%S+) (%S+)$")
    paths[#paths + 1] = path
  end
  if args[2] ~= "-" then
    for line in io.lines(args[2]) do
      tokens[#tokens + 1] = line
    end
  end
  inquiry_per_mille = tonumber(args[3])
  math.randomseed(os.time() + thread_number)
end

local function encode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function inquiry()
  counter = counter + 1
  -- Threads take every other token, so no two requests share one.
  local n = counter * 2 + thread_number
  local token = tokens[(n % #tokens) + 1]
  -- Most are sent without an email address, as people do, and get the form again (422) with
  -- their values; one in ten is complete, accepted and mailed.
  local email = ""
  if math.random(10) == 1 then
    email = "buero" .. n .. "@stadt-lasttest.de"
  end
  local body = "organisation=" .. encode("Stadt Lasttest " .. n)
    .. "&contact_name=" .. encode("Jürgen Weiß")
    .. "&role=" .. encode("Ordnungsamt")
    .. "&email=" .. encode(email)
    .. "&phone=" .. encode("0511 " .. n)
    .. "&efus_member=yes"
    .. "&message=" .. encode("Wir möchten beitreten.")
    .. "&website=&form_token=" .. encode(token)
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d",
      thread_number, math.floor(counter / 256) % 256, counter % 256),
  }
  return wrk.format("POST", "/mitgliedschaft", headers, body)
end

request = function()
  if #tokens > 0 and math.random(1000) <= inquiry_per_mille then
    return inquiry()
  end
  return wrk.format("GET", paths[math.random(#paths)])
end

response = function(status, headers, body)
  local class = tostring(math.floor(status / 100))
  counts[class] = (counts[class] or 0) + 1
end

done = function(summary, latency, requests)
  local total = { ["2"] = 0, ["3"] = 0, ["4"] = 0, ["5"] = 0 }
  for _, thread in ipairs(threads) do
    local theirs = thread:get("counts")
    for class, count in pairs(theirs) do
      total[class] = (total[class] or 0) + count
    end
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "socket_errors": %d, "s2xx": %d, "s3xx": %d, "s4xx": %d, "s5xx": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration,
    errors.connect + errors.read + errors.write + errors.timeout,
    total["2"], total["3"], total["4"], total["5"],
    latency:percentile(50), latency:percentile(99), latency.max))
end
