-- reap.lua: return jobs whose lease expired (their worker died or stalled) to the queue.
--
-- Any worker may run it at any time; because a script runs atomically, concurrent reapers never
-- requeue the same orphan twice: the first removes it from the active set, the others no longer
-- see it. A job whose runs were cut short more than the allowed number of times is failed instead,
-- so a job that keeps killing its workers cannot circulate for ever (lib/lost.lua). It also deletes the expired jobs of the
-- registries of ended jobs (lib/finish.lua, sweepRegistry), so they go even when no job ends for a while.
--
-- KEYS[1]  active zset               (jrq:{q}:active)
-- KEYS[2]  ready list                (jrq:{q}:ready)
-- KEYS[3]  job key prefix            (jrq:{q}:job:)
-- KEYS[4]  failed registry zset      (jrq:{q}:failed)     id -> expiry (ms)
-- KEYS[5]  dependents prefix         (jrq:{q}:dependents:)
-- KEYS[6]  finished registry zset    (jrq:{q}:finished)   id -> expiry (ms)
-- KEYS[7]  canceled registry zset    (jrq:{q}:canceled)   id -> expiry (ms)
-- KEYS[8]  stats hash                (jrq:{q}:stats)      'failed' grows by the jobs failed here, and so does
--          the current minute's slot of the per-minute ring (lib/minutes.lua: fields m:<slot>)
-- KEYS[9]  payloads hash             (jrq:{q}:payloads)   payloads of jobs leased from the compact form
--          (lib/running.lua): a reaped job's goes back into its hash
-- ARGV[1]  maximum recoveries per job (runs cut short by a lost lease, see lib/lost.lua)
-- ARGV[2]  maximum number of jobs to reap in this call
-- ARGV[3]  events channel of the queue
-- ARGV[4]  maximum number of entries kept in the failed registry
-- ARGV[5]  ttl in seconds of a failed job (-1 = keep)
--
-- Returns: { requeued, failed, released } where released lists { id, "FAILED", {dependents} } for
-- failed jobs that others wait on (the caller passes them to release.lua).
-- A job record that cannot be understood (lib/corrupt.lua) is failed with the reason instead.
-- @include clock
-- @include corrupt
-- @include lost
-- @include minutes
-- @include running
local now = nowMs()
local active, ready, prefix, failedKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local maxRecoveries, limit, channel = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local failedMax, failedTtl = tonumber(ARGV[4]), tonumber(ARGV[5])
local endings = newEndings(prefix, channel, now, false)
local requeued, failed, released = 0, 0, {}
for _, registry in ipairs({ failedKey, KEYS[6], KEYS[7] }) do
  sweepRegistry(registry, prefix, now)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', active, '-inf', now, 'LIMIT', 0, limit)) do
  redis.call('ZREM', active, id)
  local key = prefix .. id
  restorePayload(KEYS[9], key, id)
  local defect, kind = jobDefect(key)
  local cur = defect and {} or redis.call('HMGET', key, 'status', 'worker', 'token')
  if defect then
    moveAside(endings, id, kind, defect, failedKey, failedMax)
    failed = failed + 1
  elseif cur[1] == 'STARTED' then
    local gaveUp, dependents = loseLease(endings, id, cur[3], cur[2], ready, failedKey, KEYS[5], maxRecoveries,
      failedTtl, failedMax)
    if gaveUp then
      failed = failed + 1
      if dependents then released[#released + 1] = { id, 'FAILED', dependents } end
    else
      requeued = requeued + 1
    end
  end
end
flushEndings(endings)
if failed > 0 then
  redis.call('HINCRBY', KEYS[8], 'failed', failed)
  countMinute(KEYS[8], now, 0, failed)
end
return { requeued, failed, released }
