-- lib/lost.lua: loseLease, what becomes of a STARTED job whose worker lost its lease (the worker
-- died, stalled past the lease, or was seen gone); pasted where a script says "-- @include lost".
-- Used by: reap.lua, recover.lua
--
-- 'recoveries' counts every lost lease; 'lost_runs' only those whose run had started. A worker holds
-- jobs it has leased but not yet started (a batch waits for free runners), and those must not move a
-- job towards "poison" when that worker dies. Redis learns of a start only where it matters, at no
-- cost to the common case: a job that lost a lease before (a suspect, reported by fetch.lua) is
-- marked by its next worker with start.lua before its code runs ('running' = the lease token). The
-- first lost lease is thus never known to have cut a run short, and is presumed to have: a job is
-- failed when a lost lease cut a run short that was known to have started and it has lost
-- maxRecoveries runs counting the first. A job that kills every worker running it fails after
-- maxRecoveries + 1 deaths (2 when maxRecoveries is 0), and a job that only waited never does.

-- @include registry

-- Returns the job to the ready list, or fails it when it has lost too many runs. status and token
-- are the hash's; why names the worker, for the error. Returns true when it failed the job, and the
-- dependents to release (failed: the caller passes them to release.lua), or nil.
local function loseLease(key, id, token, worker, ready, failedKey, dependentsPrefix, prefix, channel,
                         maxRecoveries, failedTtl, failedMax, now)
  local f = redis.call('HMGET', key, 'running', 'lost_runs')
  local recoveries = redis.call('HINCRBY', key, 'recoveries', 1)
  local lostRuns = tonumber(f[2]) or 0
  local known = token and f[1] == token
  if known then lostRuns = redis.call('HINCRBY', key, 'lost_runs', 1) end
  redis.call('HDEL', key, 'token', 'running')
  if known and lostRuns >= maxRecoveries then
    local err = cjson.encode({ type = 'io.jrq.WorkerLostException',
      message = 'job lost its worker ' .. recoveries .. ' times, ' .. lostRuns .. ' of them known to be while running (last worker: '
        .. tostring(worker) .. '); giving up after ' .. maxRecoveries .. ' recoveries', stackTrace = '' })
    redis.call('HSET', key, 'status', 'FAILED', 'ended_at', now, 'error', err)
    addToRegistry(failedKey, prefix, id, failedTtl, failedMax, now)
    if failedTtl >= 0 then redis.call('EXPIRE', key, failedTtl) end
    redis.call('PUBLISH', channel, cjson.encode({ id = id, status = 'FAILED' }))
    local dependents = redis.call('SMEMBERS', dependentsPrefix .. id)
    if #dependents > 0 then
      redis.call('DEL', dependentsPrefix .. id)
      return true, dependents
    end
    return true, nil
  end
  -- A stop request dies with the worker that was asked: the next attempt starts clean.
  redis.call('HDEL', key, 'stop_requested')
  redis.call('HSET', key, 'status', 'QUEUED', 'queued_at', now)
  -- At the end the fetch takes from: a recovered job waited long enough.
  redis.call('RPUSH', ready, id)
  return false, nil
end
