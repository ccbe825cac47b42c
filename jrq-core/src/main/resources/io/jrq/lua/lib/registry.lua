-- lib/registry.lua: shared helpers, pasted into a script where it says "-- @include registry"
-- (Script.java does this when it loads the script). Not a script of its own.

-- Redis server time in ms: every deadline and due time comes from this one clock.
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Adds an ended job to a registry of ended jobs (a zset scored by expiry time), drops expired
-- entries, and past the cap pops the oldest entries and deletes their job hashes, so a registry is
-- bounded both in time and in size. ttl < 0 keeps the entry until it is pushed out by the cap.
local function addToRegistry(registry, jobPrefix, id, ttl, max, now)
  redis.call('ZADD', registry, ttl >= 0 and (now + ttl * 1000) or 9007199254740991, id)
  redis.call('ZREMRANGEBYSCORE', registry, '-inf', now)
  local over = redis.call('ZCARD', registry) - max
  if over > 0 then
    for i, old in ipairs(redis.call('ZPOPMIN', registry, over)) do
      if i % 2 == 1 then redis.call('DEL', jobPrefix .. old) end
    end
  end
end
