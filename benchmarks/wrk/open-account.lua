-- wrk script: POST /accounts with a fresh account id per request (wrk -t2 -c8 -d20s -s open-account.lua http://localhost:8080).
-- The service needs a token: add  wrk.headers["Authorization"] = "Bearer <token from the jar's token command>"  below.
-- Each thread seeds its own generator from /dev/urandom: seeded from the clock, wrk's two threads could start from the
-- same seed and send the same ids, and half the requests were then 409 (a benchmark run counted them).
function init(args)
  local urandom = assert(io.open("/dev/urandom", "rb"))
  local bytes = urandom:read(6)
  urandom:close()
  local seed = 0
  for i = 1, #bytes do
    seed = seed * 256 + bytes:byte(i)
  end
  math.randomseed(seed)
end
local function uuid()
  local t = 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'
  return (string.gsub(t, '[xy]', function (c)
    local v = (c == 'x') and math.random(0, 0xf) or math.random(8, 0xb)
    return string.format('%x', v) end))
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  return wrk.format(nil, "/accounts", nil, '{"accountId":"' .. uuid() .. '","email":"load@example.com","displayName":"Load Test","plan":"FREE"}')
end
