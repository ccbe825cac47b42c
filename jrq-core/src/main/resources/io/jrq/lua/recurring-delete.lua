-- recurring-delete.lua: delete a recurring job: its definition and its due time. Runs already
-- enqueued stay in the queue; a worker about to take a tick of it finds no due time and does nothing.
--
-- KEYS[1]  recurring hash            (jrq:{q}:recurring)
-- KEYS[2]  recurring due zset        (jrq:{q}:recurring:due)
-- ARGV[1]  name
--
-- Returns: 1 when the job existed, else 0.
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
local unscheduled = redis.call('ZREM', KEYS[2], ARGV[1])
if removed + unscheduled > 0 then return 1 end
return 0
