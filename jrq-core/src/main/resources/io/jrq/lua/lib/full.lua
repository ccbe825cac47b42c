-- lib/full.lua: allowWhenFull, which lets a script that frees memory, or keeps it flat, run on a
-- full Redis; pasted where a script says "-- @include full".
-- Used by: cancel.lua, fetch.lua, recover.lua, release.lua, renew.lua, requeue.lua, start.lua,
--   unclaimed.lua
--
-- With maxmemory reached under the noeviction policy, Redis refuses a script's first write that may
-- grow memory (HSET, ZADD, RPUSH, SADD, ...), but never a later one: it cannot stop a script
-- halfway. Recording outcomes, renewing leases, giving jobs back and canceling are what frees a full
-- Redis (ended jobs expire, registries are trimmed), so those scripts call allowWhenFull first: a
-- write that changes nothing and cannot grow memory. Redis 7's "#!lua flags=allow-oom" would say
-- the same, but Redis 6.2 has no script flags. Producers are refused as before (enqueue.lua writes
-- first with HSET), which is the back-pressure a full Redis needs.

-- key: any key declared in the script's KEYS (so the write stays in the script's slot); the removal
-- of a member that never exists changes nothing, whatever the key holds.
local function allowWhenFull(key)
  redis.pcall('ZREM', key, '')
end
