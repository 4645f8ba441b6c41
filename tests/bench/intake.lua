-- Sends distinct, valid membership inquiries, each with a form token of its own (from the file
-- named by the first argument) and from an address of its own (X-Forwarded-For, as behind a
-- reverse proxy), so that neither the double-submit check nor the per-client limit interferes.
local tokens = {}
local next_token = 1

init = function(args)
  for line in io.lines(args[1]) do
    tokens[#tokens + 1] = line
  end
end

local function encode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

request = function()
  local n = next_token
  next_token = next_token + 1
  local token = tokens[((n - 1) % #tokens) + 1]
  local body = "organisation=" .. encode("Stadt Bench " .. n)
    .. "&contact_name=" .. encode("Jürgen Weiß")
    .. "&role=" .. encode("Ordnungsamt")
    .. "&email=" .. encode("buero" .. n .. "@stadt-bench.de")
    .. "&phone=" .. encode("0511 " .. n)
    .. "&efus_member=yes"
    .. "&message=" .. encode("Wir möchten beitreten.")
    .. "&website=&form_token=" .. encode(token)
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d",
      math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256),
  }
  return wrk.format("POST", "/mitgliedschaft", headers, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "socket_errors": %d, "bad_status": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status,
    latency:percentile(50), latency:percentile(99)))
end
