-- wrk script: POST /oauth2/introspect (RFC 7662) of one token, with the caller's Kubernetes bearer token.
-- TOKEN and CALLER come from the environment; DELAY_MS paces each connection (wrk has no constant-rate mode:
-- with C connections and a mean delay of D ms the offered rate is about C * 1000 / (D + service time) per second).
-- Each delay is drawn from an exponential distribution with mean D, so the connections act as independent clients
-- (Poisson arrivals) instead of sending in lockstep bursts of C requests every D ms.
local token = os.getenv("TOKEN")
local caller = os.getenv("CALLER")
local delayMs = tonumber(os.getenv("DELAY_MS") or "0")
assert(token and caller, "TOKEN and CALLER must be set")

wrk.method = "POST"
wrk.path = "/oauth2/introspect"
wrk.body = "token=" .. token
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Bearer " .. caller

math.randomseed(os.time())
function delay()
  if delayMs <= 0 then return 0 end
  return -delayMs * math.log(1 - math.random())
end

local inactive = 0
function response(status, headers, body)
  if status == 200 and not body:find('"active":true', 1, true) then inactive = inactive + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("non-200 answers: %d of %d\n", summary.errors.status, summary.requests))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("latency p%g: %.3f ms\n", p, latency:percentile(p) / 1000))
  end
end
