-- Replay pre-generated FHIR requests with wrk, count every non-2xx answer, print a JSON summary.
--
--   wrk -t2 -c16 -d20s -s bench/wrk/replay.lua http://127.0.0.1:8080 -- requests.tsv 2 [entries]
--
-- requests.tsv holds one request per line: METHOD <tab> PATH <tab> BODY (compact JSON, or
-- nothing). The second argument repeats -t, so that each thread can start at its own offset;
-- it then cycles through the file, and concurrent connections touch different ids. With
-- "entries", 2xx transaction responses are scanned for the entry statuses ("status":"201 ...")
-- so that the summary counts resources, not bundles.
-- The last line printed is "BENCH_JSON {...}", read by bench/core/wrk.py.

local threads, counter = {}, 0
local headers = {["Content-Type"] = "application/fhir+json", ["Accept"] = "application/fhir+json"}

function setup(thread)
   counter = counter + 1
   thread:set("index", counter)
   table.insert(threads, thread)
end

local function load(path)
   local list = {}
   for line in io.lines(path) do
      local method, target, body = line:match("^([^\t]*)\t([^\t]*)\t?(.*)$")
      if body == "" then body = nil end
      list[#list + 1] = wrk.format(method, target, headers, body)
   end
   return list
end

function init(args)
   requests = load(args[1])
   count_entries = args[3] == "entries"
   position = math.floor((index - 1) * #requests / tonumber(args[2]))
   statuses, entries, first_error = {}, 0, nil
end

function request()
   position = position % #requests + 1
   return requests[position]
end

local function count_ok_entries(body)
   local found, from = 0, 1
   while true do
      local _, last = body:find('"status"%s*:%s*"2%d%d', from)
      if not last then return found end
      found, from = found + 1, last + 1
   end
end

function response(status, _, body)
   if status < 200 or status > 299 then
      local key = tostring(status)
      statuses[key] = (statuses[key] or 0) + 1
      first_error = first_error or (key .. " " .. body:sub(1, 600))
   elseif count_entries then
      entries = entries + count_ok_entries(body)
   end
end

local function quote(text)
   local escaped = text:gsub('[%c"\\]', function(c)
      return string.format("\\u%04x", c:byte())
   end)
   return '"' .. escaped .. '"'
end

local function encode(value)
   if type(value) == "table" then
      local parts = {}
      for k, v in pairs(value) do parts[#parts + 1] = quote(tostring(k)) .. ":" .. encode(v) end
      return "{" .. table.concat(parts, ",") .. "}"
   elseif type(value) == "string" then
      return quote(value)
   elseif value == nil then
      return "null"
   end
   return tostring(value)
end

local function merged()
   local statuses, entries, first_error = {}, 0, nil
   for _, thread in ipairs(threads) do
      for code, n in pairs(thread:get("statuses") or {}) do
         statuses[code] = (statuses[code] or 0) + n
      end
      entries = entries + (thread:get("entries") or 0)
      first_error = first_error or thread:get("first_error")
   end
   return statuses, entries, first_error
end

function done(summary, latency, _)
   local statuses, entries, first_error = merged()
   local percentiles = {}
   for _, p in ipairs({50, 90, 95, 99, 99.9}) do
      percentiles[tostring(p)] = latency:percentile(p)
   end
   io.write("BENCH_JSON ", encode({
      requests = summary.requests, duration_us = summary.duration, bytes = summary.bytes,
      socket_errors = summary.errors, statuses = statuses, entries_ok = entries,
      first_error = first_error, latency_us = percentiles, latency_mean_us = latency.mean,
      latency_max_us = latency.max,
   }), "\n")
end
