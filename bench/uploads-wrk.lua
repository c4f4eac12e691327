-- wrk script of the live-upload benchmark (bench/run-uploads-wrk): every request is one phone posting one reading.
--   wrk -t THREADS -c CONNECTIONS -d SECONDS -s bench/uploads-wrk.lua URL/api/v1/readings -- TOKENS THREADS [BASE]
-- TOKENS: a file with one wearer's API token per line (made by the benchmark's setup). Each wrk thread takes its own
-- share of the wearers (line i goes to thread i mod THREADS), so no two threads post for the same wearer, and posts
-- for them in turn; each wearer's readings go back one second at a time from BASE (epoch seconds, default now):
-- every reading time is unique, so every answered request stores exactly one new reading.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads, base = args[1], tonumber(args[2]), tonumber(args[3] or "") or os.time()
  tokens, seconds, bases = {}, {}, base
  local i = 0
  for line in io.lines(file) do
    if line ~= "" then
      if i % nthreads == id then
        table.insert(tokens, "Bearer " .. line)
        table.insert(seconds, 0)
      end
      i = i + 1
    end
  end
  if #tokens == 0 then
    error("no wearers for thread " .. id .. " in " .. file)
  end
  next_wearer = 0
  ok, other = 0, 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  next_wearer = next_wearer % #tokens + 1
  local n = seconds[next_wearer] + 1
  seconds[next_wearer] = n
  local body = string.format('[{"time":"%s","mgdl":%d}]', os.date("!%Y-%m-%dT%H:%M:%SZ", bases - n),
      70 + (n * 7) % 110)
  wrk.headers["Authorization"] = tokens[next_wearer]
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    other = other + 1
    if other <= 3 then
      io.stderr:write("status " .. status .. ": " .. body .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local ok_all, other_all = 0, 0
  for _, t in ipairs(threads) do
    ok_all = ok_all + t:get("ok")
    other_all = other_all + t:get("other")
  end
  io.write(string.format("RESULT requests=%d seconds=%.3f ok=%d other=%d errors=%d p50_ms=%.3f p90_ms=%.3f " ..
      "p99_ms=%.3f p999_ms=%.3f max_ms=%.3f\n", summary.requests, summary.duration / 1e6, ok_all, other_all,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency:percentile(99.9) / 1000, latency.max / 1000))
end
