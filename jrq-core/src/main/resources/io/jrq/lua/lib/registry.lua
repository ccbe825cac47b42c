-- lib/registry.lua: trimRegistry, addToRegistry: the registries of ended jobs (zsets scored by
-- expiry); pasted where a script says "-- @include registry".
-- Used by: cancel.lua, fetch.lua, reap.lua, recover.lua, release.lua

-- Drops expired entries from a registry of ended jobs (a zset scored by expiry time) and past the
-- cap pops the oldest entries and deletes their job hashes, so a registry is bounded both in time
-- and in size.
local function trimRegistry(registry, jobPrefix, max, now)
  redis.call('ZREMRANGEBYSCORE', registry, '-inf', now)
  local over = redis.call('ZCARD', registry) - max
  if over > 0 then
    local popped = redis.call('ZPOPMIN', registry, over)
    local dead = {}
    for i = 1, #popped, 2 do dead[#dead + 1] = jobPrefix .. popped[i] end
    for i = 1, #dead, 1000 do redis.call('DEL', unpack(dead, i, math.min(i + 999, #dead))) end
  end
end

-- Adds an ended job to a registry of ended jobs and trims it (above). ttl < 0 keeps the entry
-- until it is pushed out by the cap.
local function addToRegistry(registry, jobPrefix, id, ttl, max, now)
  redis.call('ZADD', registry, ttl >= 0 and (now + ttl * 1000) or 9007199254740991, id)
  trimRegistry(registry, jobPrefix, max, now)
end
