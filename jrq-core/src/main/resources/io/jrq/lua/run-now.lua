-- run-now.lua: move one SCHEDULED job (delayed, or a retry waiting out its backoff) to the end of
-- the ready list that fetch takes from, so that it runs next. Used by operators ("run now").
--
-- It is the promotion fetch.lua gives a due scheduled job, for one id and ahead of its time: out of
-- the scheduled set, status QUEUED, onto the ready list; but RPUSH instead of LPUSH (fetch pops
-- from the right), and the due time is dropped since it no longer says when the job runs. A push
-- onto the ready list is also what wakes idle workers (their BLMOVE on it returns). A job that is
-- not both in the scheduled set and SCHEDULED in its hash (gone, already promoted, canceled,
-- running, a record jrq cannot read) is left exactly as it is.
--
-- KEYS[1]  ready list                (jrq:{q}:ready)
-- KEYS[2]  job key prefix            (jrq:{q}:job:)
-- KEYS[3]  scheduled zset            (jrq:{q}:scheduled)  id -> due time (ms)
-- ARGV[1]  job id
--
-- Returns: 1 when the job was moved, 0 when it was not scheduled (nothing changed).
-- @include clock
local now = nowMs()
local id = ARGV[1]
local key = KEYS[2] .. id
if not redis.call('ZSCORE', KEYS[3], id) then return 0 end
local status = redis.pcall('HGET', key, 'status')
-- A key of another type is fetch.lua's to move aside when the job falls due.
if status ~= 'SCHEDULED' then return 0 end
redis.call('ZREM', KEYS[3], id)
redis.call('HSET', key, 'status', 'QUEUED', 'queued_at', now)
redis.call('HDEL', key, 'due_at')
redis.call('RPUSH', KEYS[1], id)
return 1
