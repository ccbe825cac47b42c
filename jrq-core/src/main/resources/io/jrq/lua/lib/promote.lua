-- lib/promote.lua: promoteDue, the second part of fetch.lua: due scheduled jobs onto the ready
-- list; pasted where a script says "-- @include promote".
-- Used by: fetch.lua
--
-- Delayed jobs and retries waiting out their backoff wait in the scheduled set, scored by due
-- time. Whichever worker fetches first moves the due ones, so each is promoted exactly once, with
-- no scheduler of its own; at most 100 per call, so one call stays short.

-- @include corrupt

-- Moves up to 100 due jobs from the scheduled set to the ready list (a record that cannot be
-- leased is moved aside through aside, lib/corrupt.lua). A promoted job has waited since its due
-- time, not since its promotion. fk: fetch.lua's keys by name. Returns how many records were moved
-- aside, and the ms until the next scheduled job falls due (-1: none is scheduled; 0: already due).
local function promoteDue(fk, aside, now, registryMax)
  local failedCount = 0
  local due = redis.call('ZRANGEBYSCORE', fk.scheduled, '-inf', now, 'WITHSCORES', 'LIMIT', 0, 100)
  for d = 1, #due, 2 do
    local id = due[d]
    redis.call('ZREM', fk.scheduled, id)
    local key = fk.prefix .. id
    local defect, kind, f = jobDefect(key)
    if defect then
      moveAside(aside, id, kind, defect, fk.failed, registryMax)
      failedCount = failedCount + 1
    elseif f[1] == 'SCHEDULED' then
      redis.call('HSET', key, 'status', 'QUEUED', 'queued_at', due[d + 1])
      redis.call('LPUSH', fk.ready, id)
    end
  end
  local nextDue = redis.call('ZRANGE', fk.scheduled, 0, 0, 'WITHSCORES')
  if nextDue[2] then return failedCount, math.max(0, tonumber(nextDue[2]) - now) end
  return failedCount, -1
end
