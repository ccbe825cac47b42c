-- release.lua: tell jobs of one queue that a job they depend on has ended.
--
-- A dependent whose last dependency FINISHED moves from DEFERRED to QUEUED. When a dependency ended
-- any other way (FAILED, CANCELED, STOPPED, or it is gone), the dependent's policy decides: "cancel"
-- cancels it (and its own dependents must then be told, so they are returned), "run" counts the
-- dependency as done. Releasing the same dependency twice changes nothing (the pending set forgets
-- it the first time), so callers may retry.
--
-- KEYS[1]  ready list                (jrq:{q}:ready)
-- KEYS[2]  job key prefix            (jrq:{q}:job:)
-- KEYS[3]  deferred zset             (jrq:{q}:deferred)
-- KEYS[4]  canceled registry zset    (jrq:{q}:canceled)
-- KEYS[5]  pending-dependencies prefix (jrq:{q}:deps:)       SET per job of "queue/id" still awaited
-- KEYS[6]  dependents prefix         (jrq:{q}:dependents:)   SET per job of "queue/id" waiting on it
-- ARGV[1]  events channel of the queue
-- ARGV[2]  ttl in seconds of a canceled job
-- ARGV[3]  maximum entries kept in the canceled registry
-- ARGV[4 + 3(i-1)], +1, +2   dependent id, the dependency as "queue/id", how it ended
--
-- Returns: an array with one entry { id, "CANCELED", {dependents} } per job this call canceled,
-- whose own dependents the caller must tell in turn.
-- It runs on a full Redis too (lib/full.lua): it follows the outcomes fetch.lua records there.
-- @include clock
-- @include finish
-- @include full
local now = nowMs()
allowWhenFull(KEYS[3])
local ttl, max = tonumber(ARGV[2]), tonumber(ARGV[3])
local endings = newEndings(KEYS[2], ARGV[1], now, false)
local canceled = {}
for i = 4, #ARGV, 3 do
  local id, dep, outcome = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local key = KEYS[2] .. id
  local cur = redis.call('HMGET', key, 'status', 'dep_policy')
  if cur[1] == 'DEFERRED' then
    local pendingKey = KEYS[5] .. id
    if outcome ~= 'FINISHED' and cur[2] ~= 'run' then
      if redis.call('SISMEMBER', pendingKey, dep) == 1 then
        redis.call('DEL', pendingKey)
        redis.call('ZREM', KEYS[3], id)
        local err = cjson.encode({ type = 'io.jrq.DependencyFailedException',
          message = 'dependency ' .. dep .. ' ended ' .. outcome, stackTrace = '' })
        -- No unique key prefix in this script's KEYS: a key left behind never blocks (lib/finish.lua).
        canceled[#canceled + 1] = { id, 'CANCELED', endJob(endings, id, 'CANCELED', { 'error', err }, KEYS[4], max, ttl,
          nil, nil, KEYS[6] .. id) }
      end
    elseif redis.call('SREM', pendingKey, dep) == 1 and redis.call('SCARD', pendingKey) == 0 then
      redis.call('ZREM', KEYS[3], id)
      redis.call('HSET', key, 'status', 'QUEUED', 'queued_at', now)
      redis.call('LPUSH', KEYS[1], id)
    end
  end
end
flushEndings(endings)
return canceled
