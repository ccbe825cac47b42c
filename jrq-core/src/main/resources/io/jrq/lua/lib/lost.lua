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

-- @include finish

-- Returns the job to the ready list, or fails it when it has lost too many runs (ended through
-- endings, lib/finish.lua: the caller flushes them). token is the hash's; worker names the worker,
-- for the error. Returns true when it failed the job, and the dependents to release (the caller
-- passes them to release.lua), or nil.
local function loseLease(endings, id, token, worker, ready, failedKey, dependentsPrefix, maxRecoveries, failedTtl,
                         failedMax)
  local key, now = endings.prefix .. id, endings.now
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
    -- No unique key prefix in the KEYS of reap.lua and recover.lua: a key left behind never blocks.
    local dependents = endJob(endings, id, 'FAILED', { 'error', err }, failedKey, failedMax, failedTtl, nil, nil,
      dependentsPrefix .. id)
    return true, #dependents > 0 and dependents or nil
  end
  -- A stop request dies with the worker that was asked: the next attempt starts clean.
  redis.call('HDEL', key, 'stop_requested')
  redis.call('HSET', key, 'status', 'QUEUED', 'queued_at', now)
  -- At the end the fetch takes from: a recovered job waited long enough.
  redis.call('RPUSH', ready, id)
  return false, nil
end
