-- lib/clock.lua: nowMs, the one clock of every script, and int, how scripts spell integers;
-- pasted where a script says "-- @include clock" (Script.java does this, once per script). Not a
-- script of its own.
-- Used by: cancel.lua, depend.lua, enqueue.lua, fetch.lua, reap.lua, recover.lua, recurring-due.lua,
--   partitions.lua, recurring-trigger.lua, release.lua, renew.lua, requeue.lua, retry-now.lua, run-now.lua,
--   tick.lua, unclaimed.lua

-- Redis server time in ms: every deadline, due time and timestamp comes from this one clock, never
-- from the callers' machines, whose clocks may disagree.
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- An integer (a time in ms, a count) spelt as a string, for a command argument or a stored value.
-- Redis 7.0 spells a Lua number passed to redis.call with printf("%.17g"), and Lua's own
-- concatenation with "%.14g": the float path of printf, which costs about what a small command does.
-- The per-job paths pass the same few integers (now, a deadline, an expiry) again and again, so each
-- is spelt once per script call, with the integer path of printf.
local spelt = {}
local function int(n)
  local s = spelt[n]
  if not s then
    s = string.format('%d', n)
    spelt[n] = s
  end
  return s
end
