-- recurring-due.lua: read the recurring jobs of a queue that are due, and the Redis time.
--
-- Workers call it on every tick of their ticker; it changes nothing. Returning the time with the
-- due jobs lets the caller decide misfires on the Redis clock, never on its own.
--
-- KEYS[1]  recurring due zset        (jrq:{q}:recurring:due)  name -> next due time (ms)
-- KEYS[2]  recurring hash            (jrq:{q}:recurring)      name -> definition JSON
-- ARGV[1]  the most jobs to return
--
-- Returns: { now_ms, name, due_ms, definition, name, due_ms, definition, ... } for the jobs due at
-- or before now, earliest first; due_ms is a string; definition is '' when the hash has none.
-- @include clock
local now = nowMs()
local out = { now }
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[1]))
for i = 1, #due, 2 do
  out[#out + 1] = due[i]
  out[#out + 1] = due[i + 1]
  out[#out + 1] = redis.call('HGET', KEYS[2], due[i]) or ''
end
return out
