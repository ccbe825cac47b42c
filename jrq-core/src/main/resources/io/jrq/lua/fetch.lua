-- fetch.lua: record the outcomes of jobs a worker ran and lease the next ones, in one call.
--
-- This is the worker's steady-state round trip: acknowledging outcomes and fetching new jobs share
-- one script so a busy worker pays one Redis round trip per batch, not per job. Before leasing, due
-- scheduled jobs (delayed jobs and retries waiting out their backoff) are moved to the ready list,
-- so whichever worker calls first promotes them, exactly once. Jobs are taken from the right end of
-- the ready list (enqueue pushes on the left). A paused queue, its concurrency limit and its rate
-- limit reduce how many jobs are leased.
--
-- KEYS[1]  ready list                (jrq:{q}:ready)
-- KEYS[2]  active zset               (jrq:{q}:active)     id -> lease deadline (ms)
-- KEYS[3]  job key prefix            (jrq:{q}:job:)
-- KEYS[4]  failed registry zset      (jrq:{q}:failed)     id -> expiry (ms)
-- KEYS[5]  scheduled zset            (jrq:{q}:scheduled)  id -> due time (ms)
-- KEYS[6]  finished registry zset    (jrq:{q}:finished)   id -> expiry (ms)
-- KEYS[7]  canceled registry zset    (jrq:{q}:canceled)   id -> expiry (ms)
-- KEYS[8]  paused flag               (jrq:{q}:paused)
-- KEYS[9]  limits hash               (jrq:{q}:limits)     concurrency, rate, period_ms
-- KEYS[10] rate window counter       (jrq:{q}:rate)
-- KEYS[11] unique key prefix         (jrq:{q}:unique:)
-- KEYS[12] dependents prefix         (jrq:{q}:dependents:)  SET per job of "queue/id" waiting on it
-- KEYS[13] queued hash               (jrq:{q}:queued)     plain queued jobs in compact form (lib/queued.lua)
-- KEYS[14] stats hash                (jrq:{q}:stats)      finished, failed: jobs ever ended so (one HINCRBY each per call);
--          m:<slot>: the per-minute ring of lib/minutes.lua (one HGET and one HSET per call that ended jobs)
-- ARGV[1]  worker name
-- ARGV[2]  lease duration in ms
-- ARGV[3]  how many jobs to lease (0 = only record outcomes)
-- ARGV[4]  events channel of the queue
-- ARGV[5]  maximum entries kept in the failed and canceled registries (the oldest are deleted)
-- ARGV[6]  maximum entries kept in the finished registry (the oldest are deleted)
-- ARGV[7]  number n of outcomes that follow
-- ARGV[8 + 6(i-1) ...]  per outcome: id, lease token, outcome, data, ttl, delay where
--          outcome is FINISHED (data = result JSON), FAILED, STOPPED or RETRY (data = error JSON),
--          ttl is how long the ended job is kept in seconds, and delay is the retry backoff in ms.
-- ARGV[8 + 6n]  optional: the largest payload in bytes a leased job may have (absent or -1: none);
--          a larger one ends FAILED as an io.jrq.InvalidPayloadException instead of running.
--
-- Returns: { accepted, jobs, wait, blocked, released, warnings, suspects } where accepted[i] is 1 when outcome i was recorded and 0 when it
-- was rejected because the lease token no longer matches (the job was taken over or stopped); jobs
-- is a flat array of id, payload, token, attempt, waited for every leased job (waited: ms from the
-- time the job became ready, its enqueue, due or requeue time, to this lease, by Redis' clock); wait is how many ms until a
-- scheduled job falls due or the rate limit allows more (-1 when nothing is pending), and blocked is
-- 1 when the queue is paused or at a limit (waiting on its ready list would then spin), and released
-- lists { id, outcome, {dependents} } for every ended job that other jobs wait on; the worker passes
-- them on to release.lua in the dependents' queues; warnings lists what was wrong with records
-- that were skipped (the limits hash, the rate counter, the ready list), for the worker to log;
-- suspects lists the leased jobs that lost a lease before: the worker marks their start with
-- start.lua (lib/lost.lua says why).
-- A job record that cannot be leased (see lib/corrupt.lua) is moved aside: FAILED, never retried,
-- and so is one whose payload is not UTF-8 or over the limit. An id that is not UTF-8 is never
-- leased either (the worker would read another id and address another key): its record is renamed
-- to the id "invalid-id:" followed by the hex of its first 50 bytes and moved aside under it.
--
-- On a full Redis (maxmemory reached, noeviction) this script still records outcomes and leases
-- (lib/full.lua): that is how a full Redis drains. What it adds is bounded by the results kept,
-- which the registries' caps and expiries bound.
--
-- Cost: this script runs once per batch, so work that can be done once per call is (removing the
-- acknowledged jobs from the active set, adding to each registry, trimming it, publishing the
-- events, adding the leased jobs to the active set, reading and deleting the compact records of
-- the popped ids); per job it reads the hash once and writes it once, and a job leased from its
-- compact record is only written. The status check fences a stale outcome on its own (a token is only ever compared while
-- the status is STARTED, and every lease writes a new one), so the token is left in the hash.
-- @include clock
-- @include finish
-- @include dropped
-- @include corrupt
-- @include queued
-- @include full
-- @include minutes
local now = nowMs()
local ready, active, prefix, failed = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local scheduled, finished, canceled, queued = KEYS[5], KEYS[6], KEYS[7], KEYS[13]
local worker, lease, want = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local channel, registryMax, finishedMax, n = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local maxPayload = tonumber(ARGV[8 + 6 * n])
allowWhenFull(active)

-- The 'errors' history with this attempt's error appended (at most 20 entries).
local function withError(old, attempt, data)
  local ok, err = pcall(cjson.decode, data)
  local entry = { attempt = tonumber(attempt) or 0, at = now }
  if ok and type(err) == 'table' then
    entry.type = err.type
    entry.message = err.message
  end
  local list = {}
  if old then
    local okOld, decoded = pcall(cjson.decode, old)
    if okOld and type(decoded) == 'table' then list = decoded end
  end
  list[#list + 1] = entry
  while #list > 20 do table.remove(list, 1) end
  return cjson.encode(list)
end

-- Ended jobs of this call: added to each registry and trimmed once, published as one event.
local endings = newEndings(prefix, channel, now, true)
-- Records moved aside (lib/corrupt.lua), each with an event of its own.
local aside = newEndings(prefix, channel, now, false)
local removed = {}
local accepted, released = {}, {}
-- Jobs this call ended FINISHED or FAILED (moved-aside records included), for the queue's counters.
local finishedCount, failedCount = 0, 0
for i = 0, n - 1 do
  local b = 8 + 6 * i
  local id, token, outcome, data = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
  local ttl, delay = tonumber(ARGV[b + 4]), tonumber(ARGV[b + 5])
  local key = prefix .. id
  local cur = redis.pcall('HMGET', key, 'status', 'token', 'attempts', 'unique', 'dependents', 'stop_requested', 'payload')
  if cur.err or cur[1] ~= 'STARTED' or cur[2] ~= token then
    accepted[i + 1] = 0
  else
    accepted[i + 1] = 1
    removed[#removed + 1] = id
    -- A job someone asked to stop does not get another attempt: it ends STOPPED.
    if outcome == 'RETRY' and cur[6] then
      outcome = 'STOPPED'
    end
    if outcome == 'RETRY' then
      local errors = withError(redis.call('HGET', key, 'errors'), cur[3], data)
      if delay > 0 then
        redis.call('HSET', key, 'status', 'SCHEDULED', 'due_at', now + delay, 'errors', errors, 'error', data)
        redis.call('ZADD', scheduled, now + delay, id)
      else
        redis.call('HSET', key, 'status', 'QUEUED', 'queued_at', now, 'errors', errors, 'error', data)
        redis.call('LPUSH', ready, id)
      end
    else
      local fields, registry, max, fn = nil, canceled, registryMax, nil
      if outcome == 'FINISHED' then
        registry, max = finished, finishedMax
        finishedCount = finishedCount + 1
        fn = droppableFn(cur[7])
        fields = fn and { 'result', data, 'fn', fn } or { 'result', data }
      elseif outcome == 'FAILED' then
        registry = failed
        failedCount = failedCount + 1
        fields = { 'errors', withError(redis.call('HGET', key, 'errors'), cur[3], data), 'error', data }
      else
        fields = { 'error', data }
      end
      local dependents = endJob(endings, id, outcome, fields, registry, max, ttl, KEYS[11], cur[4],
        cur[5] and (KEYS[12] .. id) or nil)
      if fn then redis.call('HDEL', key, 'payload') end
      if #dependents > 0 then released[#released + 1] = { id, outcome, dependents } end
    end
  end
end
if #removed > 0 then redis.call('ZREM', active, unpack(removed)) end
flushEndings(endings)

-- Promote due scheduled jobs, a bounded number per call.
-- A promoted job has waited since its due time, not since its promotion.
local due = redis.call('ZRANGEBYSCORE', scheduled, '-inf', now, 'WITHSCORES', 'LIMIT', 0, 100)
for d = 1, #due, 2 do
  local id = due[d]
  redis.call('ZREM', scheduled, id)
  local key = prefix .. id
  local defect, kind, f = jobDefect(key)
  if defect then
    moveAside(aside, id, kind, defect, failed, registryMax)
    failedCount = failedCount + 1
  elseif f[1] == 'SCHEDULED' then
    redis.call('HSET', key, 'status', 'QUEUED', 'queued_at', due[d + 1])
    redis.call('LPUSH', ready, id)
  end
end

local wait = -1
local function waitAtMost(ms)
  if ms < 0 then ms = 0 end
  if wait < 0 or ms < wait then wait = ms end
end
local nextDue = redis.call('ZRANGE', scheduled, 0, 0, 'WITHSCORES')
if nextDue[2] then waitAtMost(tonumber(nextDue[2]) - now) end

local jobs, suspects = {}, {}
local blocked = 0
local warnings = {}
if want > 0 and redis.call('EXISTS', KEYS[8]) == 1 then
  blocked = 1
  waitAtMost(1000)
elseif want > 0 then
  local limits = redis.pcall('HMGET', KEYS[9], 'concurrency', 'rate', 'period_ms')
  if limits.err then
    warnings[#warnings + 1] = KEYS[9] .. ' is not a hash; the queue runs without limits'
    limits = {}
  end
  for i, name in ipairs({ 'concurrency', 'rate', 'period_ms' }) do
    local v = limits[i] and tonumber(limits[i])
    if limits[i] and not (v and v >= 1 and v == math.floor(v) and v < 1e15) then
      warnings[#warnings + 1] = 'field ' .. name .. ' of ' .. KEYS[9] .. ' is not a positive integer: ' .. string.sub(limits[i], 1, 40)
      limits[i] = nil
    end
  end
  if limits[2] and not limits[3] then limits[3] = '1000' end
  if limits[1] then
    want = math.min(want, tonumber(limits[1]) - redis.call('ZCARD', active))
    if want <= 0 then
      blocked = 1
      waitAtMost(100)
    end
  end
  local rate = limits[2] and tonumber(limits[2])
  if rate and want > 0 then
    local got = redis.pcall('GET', KEYS[10])
    local used = (type(got) ~= 'table') and tonumber(got or '0')
    -- The counter always gets an expiry with its first increment: one without is not jrq's either.
    if not used or used < 0 or used ~= math.floor(used) or used > 1e15 or (got and redis.call('PTTL', KEYS[10]) < 0) then
      warnings[#warnings + 1] = KEYS[10] .. ' is not a count with an expiry; the rate window starts again'
      redis.call('DEL', KEYS[10])
      used = 0
    end
    if used >= rate then
      want = 0
      blocked = 1
      waitAtMost(redis.call('PTTL', KEYS[10]))
    else
      want = math.min(want, rate - used)
    end
  end
  local leased, leasedIds = 0, {}
  -- Records the lease of one job (its hash already says STARTED) in the reply and the active set.
  local function take(id, payload, token, attempts, readySince)
    leasedIds[#leasedIds + 1] = now + lease
    leasedIds[#leasedIds + 1] = id
    jobs[#jobs + 1] = id
    jobs[#jobs + 1] = payload
    jobs[#jobs + 1] = token
    jobs[#jobs + 1] = attempts
    jobs[#jobs + 1] = math.max(0, now - (tonumber(readySince) or now))
    leased = leased + 1
  end
  while want > 0 do
    local ids = redis.pcall('RPOP', ready, want)
    if type(ids) == 'table' and ids.err then
      warnings[#warnings + 1] = ready .. ' is not a list: ' .. ids.err
      break
    end
    if not ids then break end
    want = want - #ids
    -- The compact records of the popped ids, in one read; an id without one has a hash of its own.
    local compacts = redis.pcall('HMGET', queued, unpack(ids))
    if compacts.err then
      warnings[#warnings + 1] = queued .. ' is not a hash: ' .. compacts.err
      compacts = {}
    end
    local fromCompact, takenNow = {}, {}
    for j, id in ipairs(ids) do
      -- An id popped twice in one batch (pushed twice) has one record: the second copy finds the
      -- hash the first one wrote, STARTED, and is dropped like any stale id.
      local compact = not takenNow[id] and compacts[j]
      takenNow[id] = true
      if compact then fromCompact[#fromCompact + 1] = id end
      local defect, kind, job, errorType
      local badByte = notUtf8(id)
      if badByte then
        -- Renamed before anything else reads it, so no reply or record names the id's bytes.
        local badKey, newId = prefix .. id, 'invalid-id:' .. hexOf(string.sub(id, 1, 50))
        if compact then
          redis.call('HSET', prefix .. newId, 'status', 'QUEUED', 'raw', compact)
          compact = nil
        elseif redis.call('EXISTS', badKey) == 1 then
          redis.call('RENAME', badKey, prefix .. newId)
        end
        id = newId
        defect = string.format('job id is not valid UTF-8 (byte 0x%02x at most 50 bytes in: %s)', badByte, newId)
        kind = redis.call('TYPE', prefix .. id)['ok']
        if kind == 'none' then
          redis.call('HSET', prefix .. id, 'status', 'QUEUED')
          kind = 'hash'
        end
      end
      local key = prefix .. id
      if defect then
        -- moved aside below
      elseif compact then
        local at, payload = splitQueued(compact)
        if at then
          defect, errorType = payloadDefect(payload, id, maxPayload)
          if defect then
            redis.call('HSET', key, 'status', 'QUEUED', 'payload', payload, 'enqueued_at', at)
            kind = 'hash'
          else
            -- A compact record is a job that was never leased: first attempt, first lease.
            local token = worker .. ':1'
            redis.call('HSET', key, 'status', 'STARTED', 'payload', payload, 'enqueued_at', at, 'started_at', now,
              'worker', worker, 'token', token, 'attempts', 1, 'leases', 1)
            take(id, payload, token, 1, at)
          end
        else
          -- Kept whole in 'raw' and moved aside like any other record that cannot be leased.
          redis.call('HSET', key, 'status', 'QUEUED', 'raw', compact)
          defect, kind = 'queued record of job ' .. id .. ' in ' .. queued
            .. ' is not "<enqueued_at>:<payload>": ' .. string.sub(compact, 1, 40), 'hash'
        end
      else
        defect, kind, job = jobDefect(key)
        -- Ids of jobs that were deleted, canceled or already taken are dropped, not leased.
        if not defect and job[2] and job[1] == 'QUEUED' then
          defect, errorType = payloadDefect(job[2], id, maxPayload)
          if not defect then
            local attempts = (tonumber(job[3]) or 0) + 1
            -- The token counts leases, which unlike attempts never go back (requeue.lua returns an attempt).
            local leases = (tonumber(job[4]) or 0) + 1
            local token = worker .. ':' .. leases
            redis.call('HSET', key, 'status', 'STARTED', 'started_at', now, 'worker', worker, 'token', token,
              'attempts', attempts, 'leases', leases)
            releaseUnique(KEYS[11], job[6], id, false)
            take(id, job[2], token, attempts, job[7] or job[8])
            if (tonumber(job[5]) or 0) > 0 then suspects[#suspects + 1] = id end
          end
        elseif not defect then
          want = want + 1
        end
      end
      if defect then
        moveAside(aside, id, kind, defect, failed, registryMax, errorType)
        failedCount = failedCount + 1
        want = want + 1
      end
    end
    if #fromCompact > 0 then redis.call('HDEL', queued, unpack(fromCompact)) end
  end
  if leased > 0 then redis.call('ZADD', active, unpack(leasedIds)) end
  if rate and leased > 0 then
    redis.call('INCRBY', KEYS[10], leased)
    if redis.call('PTTL', KEYS[10]) < 0 then
      redis.call('PEXPIRE', KEYS[10], tonumber(limits[3]))
    end
  end
end
flushEndings(aside)
if finishedCount > 0 then redis.call('HINCRBY', KEYS[14], 'finished', finishedCount) end
if failedCount > 0 then redis.call('HINCRBY', KEYS[14], 'failed', failedCount) end
if finishedCount + failedCount > 0 then countMinute(KEYS[14], now, finishedCount, failedCount) end
return { accepted, jobs, wait, blocked, released, warnings, suspects }
