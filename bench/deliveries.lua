-- wrk script for bench/ingest.py: POSTs pre-signed webhook deliveries, each one once.
-- The file named by DELIVERIES holds one delivery per line: hmac \t topic \t id \t shop \t body.
-- Thread n of N sends lines n, n+N, n+2N, ...; one that runs out starts again (duplicates), which
-- the caller tells from the request count.

local deliveries = {}
for line in io.lines(os.getenv("DELIVERIES")) do
  local hmac, topic, id, shop, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
  deliveries[#deliveries + 1] = {hmac = hmac, topic = topic, id = id, shop = shop, body = body}
end

local threads = {}
local thread_count = tonumber(os.getenv("THREADS"))

function setup(thread)
  thread:set("index", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  next_line = index
  wrk.method = "POST"
  wrk.path = "/webhooks/shopify"
end

function request()
  if deliveries[next_line] == nil then
    next_line = index
  end
  local d = deliveries[next_line]
  next_line = next_line + thread_count
  return wrk.format(nil, nil, {
    ["Content-Type"] = "application/json",
    ["X-Shopify-Hmac-Sha256"] = d.hmac,
    ["X-Shopify-Topic"] = d.topic,
    ["X-Shopify-Webhook-Id"] = d.id,
    ["X-Shopify-Shop-Domain"] = d.shop,
  }, d.body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f p50=%.3f p99=%.3f non2xx=%d failed=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
