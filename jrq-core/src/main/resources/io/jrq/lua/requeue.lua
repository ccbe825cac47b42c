-- requeue.lua: give jobs back to the front of their queue when a worker shuts down before they ran
-- to completion. The attempt taken by the fetch is given back too: the job did not fail.
--
-- KEYS[1]  active zset               (jrq:{q}:active)
-- KEYS[2]  ready list                (jrq:{q}:ready)
-- KEYS[3]  job key prefix            (jrq:{q}:job:)
-- KEYS[4]  payloads hash             (jrq:{q}:payloads)   payloads of jobs leased from the compact form
--          (lib/running.lua): a job given back gets its payload back in its hash
-- ARGV[2k-1], ARGV[2k]  job id, lease token
--
-- Returns: the number of jobs given back (a job whose lease was lost is left alone).
-- It runs on a full Redis too (lib/full.lua). The job never started here, or was cut short by a
-- shutdown that gave it back: either way not a lost run (lib/lost.lua), so 'running' is dropped.
-- @include clock
-- @include full
-- @include running
allowWhenFull(KEYS[1])
local now = nowMs()
local n = 0
for i = 1, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local key = KEYS[3] .. id
  local cur = redis.call('HMGET', key, 'status', 'token')
  if cur[1] == 'STARTED' and cur[2] == token then
    redis.call('ZREM', KEYS[1], id)
    restorePayload(KEYS[4], key, id)
    redis.call('HDEL', key, 'token', 'running')
    redis.call('HINCRBY', key, 'attempts', -1)
    redis.call('HSET', key, 'status', 'QUEUED', 'queued_at', now)
    redis.call('RPUSH', KEYS[2], id)
    n = n + 1
  end
end
return n
