-- delete.lua: delete jobs that are not running, wherever they are (queued, scheduled, deferred, or
-- in a registry of ended jobs). A running job must be stopped first.
--
-- KEYS[1]  ready list                (jrq:{q}:ready)
-- KEYS[2]  job key prefix            (jrq:{q}:job:)
-- KEYS[3]  scheduled zset            (jrq:{q}:scheduled)
-- KEYS[4]  deferred zset             (jrq:{q}:deferred)
-- KEYS[5]  finished registry zset    (jrq:{q}:finished)
-- KEYS[6]  failed registry zset      (jrq:{q}:failed)
-- KEYS[7]  canceled registry zset    (jrq:{q}:canceled)
-- KEYS[8]  queued hash               (jrq:{q}:queued)     compact records (lib/queued.lua)
-- ARGV[1..n] job ids
--
-- Returns: { deleted, running } counts; running jobs are left alone.
local deleted, running = 0, 0
for _, id in ipairs(ARGV) do
  local key = KEYS[2] .. id
  local status = redis.call('HGET', key, 'status')
  if not status and redis.call('HDEL', KEYS[8], id) == 1 then
    -- A queued job in compact form: the field was the whole record.
    redis.call('LREM', KEYS[1], 1, id)
    deleted = deleted + 1
  elseif status == 'STARTED' then
    running = running + 1
  elseif status then
    if status == 'QUEUED' then redis.call('LREM', KEYS[1], 1, id) end
    for k = 3, 7 do redis.call('ZREM', KEYS[k], id) end
    redis.call('DEL', key)
    deleted = deleted + 1
  end
end
return { deleted, running }
