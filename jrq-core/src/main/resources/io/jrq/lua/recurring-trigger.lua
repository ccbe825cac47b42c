-- recurring-trigger.lua: enqueue one run of a recurring job now, outside its schedule, which is
-- left as it is (its due time does not move). Used by operators ("run now" on a recurring job).
--
-- The run is the job a tick would enqueue (tick.lua): the caller builds its payload from the
-- definition, with the id recurring:<name>:<now ms> and that time as the run's tick, so the run
-- names its recurring job like every other run. The definition is compared with the one the caller
-- built the payload from, so a job deleted or changed meanwhile enqueues nothing; and a job with
-- the run's id (an earlier trigger, or a tick, in the same ms) is never overwritten.
--
-- KEYS[1]  recurring hash            (jrq:{q}:recurring)  name -> definition JSON
-- KEYS[2]  ready list                (jrq:{q}:ready)
-- KEYS[3]  job key prefix            (jrq:{q}:job:)
-- KEYS[4]  queued hash               (jrq:{q}:queued)     compact queued jobs (lib/queued.lua)
-- ARGV[1]  name of the recurring job
-- ARGV[2]  the definition the caller read
-- ARGV[3]  id of the run (recurring:<name>:<ms>)
-- ARGV[4]  payload of the run (JSON envelope)
--
-- Returns: 1 the run was enqueued; 0 the job was deleted or changed since the caller read it;
-- 2 a job with that id exists already (nothing written).
-- @include clock
-- @include store
local now = nowMs()
local name, def, id, payload = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('HGET', KEYS[1], name) ~= def then return 0 end
local key = KEYS[3] .. id
if redis.call('EXISTS', key) == 1 or redis.call('HEXISTS', KEYS[4], id) == 1 then return 2 end
-- Stored as enqueue.lua stores a job due now, at the back of the queue.
storeJob({ prefix = KEYS[3], ready = KEYS[2], push = 'LPUSH' }, id, payload, now, now, nil)
return 1
