-- lib/clock.lua: nowMs, the one clock of every script; pasted where a script says
-- "-- @include clock" (Script.java does this, once per script). Not a script of its own.
-- Used by: cancel.lua, enqueue.lua, fetch.lua, reap.lua, recover.lua, recurring-due.lua,
--   partitions.lua, recurring-trigger.lua, release.lua, renew.lua, requeue.lua, retry-now.lua, run-now.lua,
--   tick.lua, unclaimed.lua

-- Redis server time in ms: every deadline, due time and timestamp comes from this one clock, never
-- from the callers' machines, whose clocks may disagree.
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
