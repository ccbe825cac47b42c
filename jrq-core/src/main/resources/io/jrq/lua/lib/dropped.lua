-- lib/dropped.lua: droppableFn, which payloads a finished job drops; pasted where a script says
-- "-- @include dropped".
-- Used by: enqueue.lua, fetch.lua
--
-- fetch.lua drops a finished job's payload when it carries nothing the finished job still shows,
-- keeping only its function name ('fn'); enqueue.lua must then still know a retry of that job for
-- the same job. Both ask this one rule.

-- The function name of a finished job's payload when the payload may be dropped: it carries
-- nothing a finished job still shows (no description, no metadata) and its "fn" key comes before
-- its "args" (so the match is the envelope's own key, not one inside the arguments). Else nil: the
-- payload is kept.
local function droppableFn(payload)
  if not payload or string.find(payload, '"desc"', 1, true) or string.find(payload, '"meta"', 1, true) then
    return nil
  end
  local f, _, fn = string.find(payload, '"fn":"([^"\\]*)"')
  local a = string.find(payload, '"args":', 1, true)
  if f and (not a or f < a) then return fn end
  return nil
end
