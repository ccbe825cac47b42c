-- enqueue.lua: store one or more jobs and push their ids onto a queue's ready list, atomically.
--
-- All jobs are checked before any is written, so a batch is stored whole or not at all.
--
-- KEYS[1]  ready list of the queue              (jrq:{q}:ready)
-- KEYS[2]  job key prefix of the queue          (jrq:{q}:job:)   job hashes are KEYS[2]..id
-- ARGV[1]  "1" to put the jobs at the front of the queue (run next), "0" for the back
-- ARGV[2k], ARGV[2k+1]  job id, payload (JSON envelope), for k = 1..n
--
-- Returns: the enqueue time in ms (Redis TIME), stored as enqueued_at on every job.
-- Errors:  "JRQ_JOB_EXISTS <id>" when a job with one of the ids already exists (nothing written).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 2, #ARGV, 2 do
  if redis.call('EXISTS', KEYS[2] .. ARGV[i]) == 1 then
    return redis.error_reply('JRQ_JOB_EXISTS ' .. ARGV[i])
  end
end
local push = (ARGV[1] == '1') and 'RPUSH' or 'LPUSH'
for i = 2, #ARGV, 2 do
  redis.call('HSET', KEYS[2] .. ARGV[i], 'payload', ARGV[i + 1], 'status', 'QUEUED', 'enqueued_at', now)
  redis.call(push, KEYS[1], ARGV[i])
end
return now
