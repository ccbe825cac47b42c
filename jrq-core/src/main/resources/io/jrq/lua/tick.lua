-- tick.lua: take one tick of a recurring job: enqueue the run of that tick and move the job's due
-- time to the next tick, atomically and at most once per tick.
--
-- Every worker serving the queue ticks its recurring jobs, so several may try the same tick at the
-- same moment. The due time works as a compare-and-set: the tick is taken only while the job's
-- score in the due set still equals the due time the caller read (and its definition is still the
-- one the caller read), and taking it replaces the score. The first caller wins; the others find a
-- different score and do nothing. The run's id is derived from the job's name and the tick's due
-- time, so even a job deleted and scheduled again cannot enqueue a second run for the same tick.
--
-- KEYS[1]  recurring due zset        (jrq:{q}:recurring:due)  name -> next due time (ms)
-- KEYS[2]  recurring hash            (jrq:{q}:recurring)      name -> definition JSON
-- KEYS[3]  ready list                (jrq:{q}:ready)
-- KEYS[4]  job key prefix            (jrq:{q}:job:)
-- ARGV[1]  name of the recurring job
-- ARGV[2]  the due time the caller read (ms); the tick to take
-- ARGV[3]  the next due time (ms), computed by the caller from the schedule and the misfire policy
-- ARGV[4]  id of the run to enqueue (recurring:<name>:<due ms>), or '' to skip this tick without a run
-- ARGV[5]  payload of the run (JSON envelope), or ''
-- ARGV[6]  the definition the caller read; the tick is not taken if it has changed since
--
-- Returns: 1 the tick was taken and its run enqueued; 2 the tick was taken without a run (skipped,
-- or a job with the run's id exists already); 0 the tick was not taken (another worker took it,
-- the job was updated or deleted, or it is not due yet on the Redis clock).
-- @include clock
-- @include store
local now = nowMs()
local due, defs, ready, prefix = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local name, expected, nextDue, id, payload = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]

local score = redis.call('ZSCORE', due, name)
if not score or tonumber(score) ~= expected or expected > now then return 0 end
if redis.call('HGET', defs, name) ~= ARGV[6] then return 0 end

redis.call('ZADD', due, nextDue, name)
if id == '' or redis.call('EXISTS', prefix .. id) == 1 then return 2 end
-- Stored as enqueue.lua stores a job due now, at the back of the queue.
storeJob({ prefix = prefix, ready = ready, push = 'LPUSH' }, id, payload, now, now, nil)
return 1
