-- lib/lease.lua: leaseJobs, the last part of fetch.lua: pop ids from the ready list and lease
-- their jobs; pasted where a script says "-- @include lease".
-- Used by: fetch.lua
--
-- Ids are popped from the right end of the ready list (producers push on the left). A job in the
-- compact form (lib/queued.lua) gets its hash here, written once, STARTED, while its payload waits in
-- the payloads hash (lib/running.lua); a job with a hash is read
-- once and written once. A popped id whose job is not QUEUED (deleted, canceled, already taken) is
-- dropped, and a record that cannot be leased is moved aside (lib/corrupt.lua); either way another
-- id is popped in its place. Leasing a job releases its unique key of scope Q (lib/finish.lua).

-- @include clock
-- @include corrupt
-- @include queued
-- @include finish
-- @include running

-- Leases up to want jobs to worker for lease ms. fk: fetch.lua's keys by name; maxPayload: the
-- payload limit (nil or negative: none); aside: the endings of moved-aside records (the caller
-- flushes them); warnings: where a problem with the ready list or the queued hash is reported.
-- Returns jobs (id, payload, token, attempt, waited for each, flat), suspects (leased jobs that
-- lost a lease before), how many jobs were leased, and how many records were moved aside.
local function leaseJobs(fk, want, now, worker, lease, maxPayload, aside, registryMax, warnings)
  local jobs, suspects, failedCount = {}, {}, 0
  local leased, leasedIds, held = 0, {}, {}
  local deadline, startedAt = int(now + lease), int(now)
  -- Records the lease of one job (its hash already says STARTED) in the reply and the active set.
  local function take(id, payload, token, attempts, readySince)
    leasedIds[#leasedIds + 1] = deadline
    leasedIds[#leasedIds + 1] = id
    jobs[#jobs + 1] = id
    jobs[#jobs + 1] = payload
    jobs[#jobs + 1] = token
    jobs[#jobs + 1] = attempts
    jobs[#jobs + 1] = math.max(0, now - (tonumber(readySince) or now))
    leased = leased + 1
  end
  while want > 0 do
    local ids = redis.pcall('RPOP', fk.ready, want)
    if type(ids) == 'table' and ids.err then
      warnings[#warnings + 1] = fk.ready .. ' is not a list: ' .. ids.err
      break
    end
    if not ids then break end
    want = want - #ids
    -- The compact records of the popped ids, in one read; an id without one has a hash of its own.
    local compacts = redis.pcall('HMGET', fk.queued, unpack(ids))
    if compacts.err then
      warnings[#warnings + 1] = fk.queued .. ' is not a hash: ' .. compacts.err
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
        local badKey, newId = fk.prefix .. id, 'invalid-id:' .. hexOf(string.sub(id, 1, 50))
        if compact then
          redis.call('HSET', fk.prefix .. newId, 'status', 'QUEUED', 'raw', compact)
          compact = nil
        elseif redis.call('EXISTS', badKey) == 1 then
          redis.call('RENAME', badKey, fk.prefix .. newId)
        end
        id = newId
        defect = string.format('job id is not valid UTF-8 (byte 0x%02x at most 50 bytes in: %s)', badByte, newId)
        kind = redis.call('TYPE', fk.prefix .. id)['ok']
        if kind == 'none' then
          redis.call('HSET', fk.prefix .. id, 'status', 'QUEUED')
          kind = 'hash'
        end
      end
      local key = fk.prefix .. id
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
            redis.call('HSET', key, 'status', 'STARTED', 'enqueued_at', at, 'started_at', startedAt, 'worker', worker,
              'token', token, 'attempts', '1', 'leases', '1')
            held[#held + 1] = id
            held[#held + 1] = payload
            take(id, payload, token, 1, at)
          end
        else
          -- Kept whole in 'raw' and moved aside like any other record that cannot be leased.
          redis.call('HSET', key, 'status', 'QUEUED', 'raw', compact)
          defect, kind = 'queued record of job ' .. id .. ' in ' .. fk.queued
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
            redis.call('HSET', key, 'status', 'STARTED', 'started_at', startedAt, 'worker', worker, 'token', token,
              'attempts', int(attempts), 'leases', int(leases))
            releaseUnique(fk.uniquePrefix, job[6], id, false)
            take(id, job[2], token, attempts, job[7] or job[8])
            if (tonumber(job[5]) or 0) > 0 then suspects[#suspects + 1] = id end
          end
        elseif not defect then
          want = want + 1
        end
      end
      if defect then
        moveAside(aside, id, kind, defect, fk.failed, registryMax, errorType)
        failedCount = failedCount + 1
        want = want + 1
      end
    end
    if #fromCompact > 0 then redis.call('HDEL', fk.queued, unpack(fromCompact)) end
  end
  holdPayloads(fk.payloads, fk.prefix, held, warnings)
  for i = 1, #leasedIds, 2000 do redis.call('ZADD', fk.active, unpack(leasedIds, i, math.min(i + 1999, #leasedIds))) end
  return jobs, suspects, leased, failedCount
end
