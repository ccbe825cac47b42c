-- retry-now.lua: put an ended job (FAILED, CANCELED or STOPPED) back on its queue, with a fresh
-- attempt budget; its error history is kept. Used by operators ("requeue failed jobs").
--
-- KEYS[1]  ready list                (jrq:{q}:ready)
-- KEYS[2]  job key prefix            (jrq:{q}:job:)
-- KEYS[3]  failed registry zset      (jrq:{q}:failed)
-- KEYS[4]  canceled registry zset    (jrq:{q}:canceled)
-- ARGV[1..n] job ids
--
-- Returns: how many jobs were requeued (ids of jobs that are gone or not ended are skipped).
-- @include clock
local now = nowMs()
local n = 0
for _, id in ipairs(ARGV) do
  local key = KEYS[2] .. id
  local status = redis.call('HGET', key, 'status')
  if status == 'FAILED' or status == 'CANCELED' or status == 'STOPPED' then
    redis.call('ZREM', KEYS[3], id)
    redis.call('ZREM', KEYS[4], id)
    redis.call('PERSIST', key)
    redis.call('HDEL', key, 'ended_at', 'error', 'token', 'stop_requested', 'progress', 'running')
    redis.call('HSET', key, 'status', 'QUEUED', 'queued_at', now, 'attempts', 0, 'recoveries', 0, 'lost_runs', 0)
    redis.call('LPUSH', KEYS[1], id)
    n = n + 1
  end
end
return n
