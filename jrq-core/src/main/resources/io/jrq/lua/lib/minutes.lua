-- lib/minutes.lua: countMinute, the per-minute counts of ended jobs for the dashboard's charts;
-- pasted where a script says "-- @include minutes".
-- Used by: fetch.lua, reap.lua, recover.lua
--
-- The counts live in the queue's stats hash (jrq:{q}:stats), beside its 'finished' and 'failed'
-- totals, as a ring of MINUTE_SLOTS fields: the minute m (ms since the epoch / 60000, Redis time)
-- is kept in field 'm:<m % MINUTE_SLOTS>' as "<m>:<finished>:<failed>". A field holding another
-- minute is from a lap of the ring ago and starts over, so the hash never holds more than
-- MINUTE_SLOTS + 2 fields (about 30 KB per queue when all are used, see docs/PROTOCOL.md) and needs
-- no expiry or trimming. Readers (Admin.history) count a slot only when its minute is the one they
-- ask for. Kept in the stats hash rather than a key of its own so that the scripts that count
-- endings need no new KEYS and no extra key per queue.

-- Six hours: Admin.HISTORY_MINUTES must say the same.
local MINUTE_SLOTS = 360

-- Adds the jobs this call ended FINISHED and FAILED to the current minute's slot: one HGET and one
-- HSET, so call it once per script call, and only when something ended. stats is the stats hash,
-- now the Redis time in ms.
local function countMinute(stats, now, finished, failed)
  local minute = math.floor(now / 60000)
  local field = 'm:' .. (minute % MINUTE_SLOTS)
  local f, x = finished, failed
  local cur = redis.call('HGET', stats, field)
  if cur then
    local m, a, b = string.match(cur, '^(%d+):(%d+):(%d+)$')
    -- Another minute (a lap ago) or a value that is not the ring's own: the slot starts over.
    if m and tonumber(m) == minute then
      f, x = f + tonumber(a), x + tonumber(b)
    end
  end
  redis.call('HSET', stats, field, string.format('%d:%d:%d', minute, f, x))
end
