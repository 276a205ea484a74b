-- wrk script: POST /oauth2/token, grant_type=client_credentials, client_secret_basic (RFC 6749 §4.4).
-- CLIENT_ID and CLIENT_SECRET come from the environment (run.sh reads them from the Application's Secret).
local id = os.getenv("CLIENT_ID")
local secret = os.getenv("CLIENT_SECRET")
assert(id and secret, "CLIENT_ID and CLIENT_SECRET must be set")

-- base64 (RFC 4648) for the Basic header; wrk's LuaJIT has no library for it.
local chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(data)
  return ((data:gsub(".", function(x)
    local r, b = "", x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return chars:sub(c + 1, c + 1)
  end) .. ({ "", "==", "=" })[#data % 3 + 1])
end

wrk.method = "POST"
wrk.path = "/oauth2/token"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. base64(id .. ":" .. secret)

local failures = 0
function response(status, headers, body)
  if status ~= 200 then failures = failures + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("non-200 answers: %d of %d\n", summary.errors.status, summary.requests))
end
