-- lib/limits.lua: allowedNow, countRate, soonest: a queue's pause, concurrency limit and rate limit,
-- the middle part of fetch.lua; pasted where a script says "-- @include limits".
-- Used by: fetch.lua
--
-- The limits live in the queue's limits hash (concurrency, rate, period_ms; docs/PROTOCOL.md) and
-- are read on every fetch that asks for jobs; the rate counts leases in a fixed window on the Redis
-- clock (a counter with PEXPIRE of the period from its first lease). Values that are not jrq's are
-- skipped with a warning for the worker to log, never an error that would stall the queue.

-- The sooner of two waits in ms, wait (-1: none yet) and ms (a negative one counts as 0).
local function soonest(wait, ms)
  if ms < 0 then ms = 0 end
  if wait < 0 or ms < wait then return ms end
  return wait
end

-- How many of the want jobs (want > 0) the queue's pause and limits allow now. fk: fetch.lua's keys
-- by name; wait: the wait so far (soonest); warnings: where a bad limits hash or rate counter is
-- reported. Returns the jobs allowed (0 or less: none), blocked (1 when paused or at a limit,
-- else 0), the wait, and the rate limit and its period in ms (nil when there is none) for
-- countRate.
local function allowedNow(fk, want, wait, warnings)
  if redis.call('EXISTS', fk.paused) == 1 then return 0, 1, soonest(wait, 1000), nil, nil end
  local blocked = 0
  local limits = redis.pcall('HMGET', fk.limits, 'concurrency', 'rate', 'period_ms')
  if limits.err then
    warnings[#warnings + 1] = fk.limits .. ' is not a hash; the queue runs without limits'
    limits = {}
  end
  for i, name in ipairs({ 'concurrency', 'rate', 'period_ms' }) do
    local v = limits[i] and tonumber(limits[i])
    if limits[i] and not (v and v >= 1 and v == math.floor(v) and v < 1e15) then
      warnings[#warnings + 1] = 'field ' .. name .. ' of ' .. fk.limits .. ' is not a positive integer: ' .. string.sub(limits[i], 1, 40)
      limits[i] = nil
    end
  end
  if limits[2] and not limits[3] then limits[3] = '1000' end
  if limits[1] then
    want = math.min(want, tonumber(limits[1]) - redis.call('ZCARD', fk.active))
    if want <= 0 then
      blocked = 1
      wait = soonest(wait, 100)
    end
  end
  local rate = limits[2] and tonumber(limits[2])
  if rate and want > 0 then
    local got = redis.pcall('GET', fk.rate)
    local used = (type(got) ~= 'table') and tonumber(got or '0')
    -- The counter always gets an expiry with its first increment: one without is not jrq's either.
    if not used or used < 0 or used ~= math.floor(used) or used > 1e15 or (got and redis.call('PTTL', fk.rate) < 0) then
      warnings[#warnings + 1] = fk.rate .. ' is not a count with an expiry; the rate window starts again'
      redis.call('DEL', fk.rate)
      used = 0
    end
    if used >= rate then
      want = 0
      blocked = 1
      wait = soonest(wait, redis.call('PTTL', fk.rate))
    else
      want = math.min(want, rate - used)
    end
  end
  return want, blocked, wait, rate, limits[3]
end

-- Counts leased jobs in the rate window (rate and period as allowedNow returned them), starting the
-- window with the first lease in it.
local function countRate(fk, rate, period, leased)
  if rate and leased > 0 then
    redis.call('INCRBY', fk.rate, leased)
    if redis.call('PTTL', fk.rate) < 0 then
      redis.call('PEXPIRE', fk.rate, tonumber(period))
    end
  end
end
