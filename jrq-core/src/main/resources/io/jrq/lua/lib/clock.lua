-- lib/clock.lua: the one clock of every script, pasted where it says "-- @include clock" (Script.java
-- does this when it loads the script). Not a script of its own.

-- Redis server time in ms: every deadline, due time and timestamp comes from this one clock, never
-- from the callers' machines, whose clocks may disagree.
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
