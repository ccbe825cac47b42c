-- recover.lua: give back at once the jobs of a worker whose process is gone, without waiting for
-- their leases to expire (quick recovery).
--
-- A worker holds a subscription to its command channel for as long as it lives; when its process
-- dies the kernel closes its connections and Redis drops the subscription. The caller (another
-- worker's liveness check) saw no subscriber for a while; this script checks again, atomically
-- with the recovery, so a worker that came back in between keeps its jobs. Each STARTED job of
-- that worker in the queue's active set is then treated as a lost lease (lib/lost.lua), exactly
-- as reap.lua treats an expired one. Fencing still holds: a worker that was only cut off and comes
-- back finds its tokens replaced, its renewals report the leases lost, its outcomes are refused.
--
-- KEYS[1]  active zset               (jrq:{q}:active)
-- KEYS[2]  ready list                (jrq:{q}:ready)
-- KEYS[3]  job key prefix            (jrq:{q}:job:)
-- KEYS[4]  failed registry zset      (jrq:{q}:failed)
-- KEYS[5]  dependents prefix         (jrq:{q}:dependents:)
-- KEYS[6]  stats hash                (jrq:{q}:stats)      'failed' grows by the jobs failed here, and so does
--          the current minute's slot of the per-minute ring (lib/minutes.lua: fields m:<slot>)
-- KEYS[7]  payloads hash             (jrq:{q}:payloads)   payloads of jobs leased from the compact form
--          (lib/running.lua): a recovered job's goes back into its hash
-- ARGV[1]  the worker's name
-- ARGV[2]  the worker's command channel (jrq:worker:<name>:commands)
-- ARGV[3]  maximum recoveries per job
-- ARGV[4]  events channel of the queue
-- ARGV[5]  maximum number of entries kept in the failed registry
-- ARGV[6]  ttl in seconds of a failed job (-1: kept until deleted)
--
-- Returns: { recovered, released } where recovered is -1 when the worker is subscribed again
-- (nothing done), else how many jobs were given back or failed; released lists
-- { id, "FAILED", {dependents} } for the jobs failed here, for release.lua.
-- @include clock
-- @include lost
-- @include full
-- @include minutes
-- @include running
local now = nowMs()
local worker, channel = ARGV[1], ARGV[4]
local maxRecoveries, failedMax, failedTtl = tonumber(ARGV[3]), tonumber(ARGV[5]), tonumber(ARGV[6])
local subscribed = redis.call('PUBSUB', 'NUMSUB', ARGV[2])
if tonumber(subscribed[2]) > 0 then return { -1, {} } end
allowWhenFull(KEYS[1])
local endings = newEndings(KEYS[3], channel, now, false)
local recovered, failed, released = 0, 0, {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = KEYS[3] .. id
  local cur = redis.pcall('HMGET', key, 'status', 'worker', 'token')
  if not cur.err and cur[1] == 'STARTED' and cur[2] == worker then
    redis.call('ZREM', KEYS[1], id)
    restorePayload(KEYS[7], key, id)
    local gaveUp, dependents = loseLease(endings, id, cur[3], worker, KEYS[2], KEYS[4], KEYS[5], maxRecoveries,
      failedTtl, failedMax)
    if gaveUp then
      failed = failed + 1
      if dependents then released[#released + 1] = { id, 'FAILED', dependents } end
    end
    recovered = recovered + 1
  end
end
flushEndings(endings)
if failed > 0 then
  redis.call('HINCRBY', KEYS[6], 'failed', failed)
  countMinute(KEYS[6], now, 0, failed)
end
return { recovered, released }
