-- recurring-upsert.lua: create or update a recurring job: store its definition and its due time.
--
-- The caller reads the current definition, decides from it (keep the creation time; keep the due
-- time when the schedule did not change) and passes it back; the write happens only if the
-- definition is still that one, so two concurrent updates cannot interleave. On a conflict the
-- caller reads again and retries.
--
-- KEYS[1]  recurring hash            (jrq:{q}:recurring)      name -> definition JSON
-- KEYS[2]  recurring due zset        (jrq:{q}:recurring:due)  name -> next due time (ms)
-- ARGV[1]  name
-- ARGV[2]  the new definition JSON
-- ARGV[3]  the definition the caller read ('' when there was none)
-- ARGV[4]  the first due time (ms) for a new schedule
-- ARGV[5]  '1' to keep the current due time when there is one (the schedule is unchanged), else '0'
--
-- Returns: the job's due time (ms), or -1 when the definition changed since the caller read it
-- (nothing written).
local defs, due, name = KEYS[1], KEYS[2], ARGV[1]
local current = redis.call('HGET', defs, name) or ''
if current ~= ARGV[3] then return -1 end
redis.call('HSET', defs, name, ARGV[2])
if ARGV[5] == '1' then
  local score = redis.call('ZSCORE', due, name)
  if score then return tonumber(score) end
end
redis.call('ZADD', due, ARGV[4], name)
return tonumber(ARGV[4])
