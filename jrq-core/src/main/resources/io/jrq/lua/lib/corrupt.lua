-- lib/corrupt.lua: finds job records that cannot be leased as they are and moves them aside,
-- pasted into a script where it says "-- @include corrupt" (after "-- @include registry").
--
-- A record written by something other than jrq (a bad producer, a hand edit, a wrong key type) must
-- neither stop the script that meets it (a Redis error would fail every later call for the queue:
-- the queue would stall for ever) nor vanish: it ends FAILED in the failed registry with the reason
-- as an io.jrq.CorruptJobException, kept until deleted or pushed out by the registry's cap.

local JOB_STATUSES = { QUEUED = true, STARTED = true, SCHEDULED = true, DEFERRED = true,
  FINISHED = true, FAILED = true, CANCELED = true, STOPPED = true }
local LIVE_STATUSES = { QUEUED = true, STARTED = true, SCHEDULED = true, DEFERRED = true }

-- Returns why the job record at key cannot be used (or nil), the key's Redis type, and the hash's
-- fields status, payload, attempts, leases, recoveries, unique (an empty table when it is not a
-- hash). One HMGET in the common case: the key's type is only asked when the read fails or finds
-- no status.
local function jobDefect(key)
  local f = redis.pcall('HMGET', key, 'status', 'payload', 'attempts', 'leases', 'recoveries', 'unique')
  if f.err then
    local kind = redis.call('TYPE', key)['ok']
    return 'job key ' .. key .. ' holds a ' .. kind .. ', not a hash', kind, {}
  end
  if not f[1] then
    if redis.call('EXISTS', key) == 0 then return nil, 'none', {} end
    return 'job hash ' .. key .. ' has no status field', 'hash', f
  end
  if not JOB_STATUSES[f[1]] then
    return 'job hash ' .. key .. ' has an unknown status: ' .. string.sub(f[1], 1, 40), 'hash', f
  end
  -- A FINISHED job keeps no payload (fetch.lua drops it), so only a live job needs one.
  if not f[2] and LIVE_STATUSES[f[1]] then return 'job hash ' .. key .. ' has no payload field', 'hash', f end
  local names = { 'attempts', 'leases', 'recoveries' }
  for i = 1, 3 do
    local v = f[i + 2]
    if v and not (#v <= 15 and string.match(v, '^%d+$')) then
      return 'job field ' .. names[i] .. ' of ' .. key .. ' is not a count: ' .. string.sub(v, 1, 40), 'hash', f
    end
  end
  return nil, 'hash', f
end

-- Ends the job FAILED with reason; a non-hash value is replaced by a hash keeping a string's value
-- in its field 'raw'. Returns the event to publish.
local function moveAside(key, id, kind, reason, failedKey, jobPrefix, registryMax, now)
  if kind ~= 'hash' then
    local raw = kind == 'string' and redis.call('GET', key) or nil
    redis.call('DEL', key)
    if raw then redis.call('HSET', key, 'raw', raw) end
  end
  local err = cjson.encode({ type = 'io.jrq.CorruptJobException', message = reason, stackTrace = '' })
  redis.call('HSET', key, 'status', 'FAILED', 'ended_at', now, 'error', err)
  redis.call('HDEL', key, 'token')
  addToRegistry(failedKey, jobPrefix, id, -1, registryMax, now)
  return cjson.encode({ id = id, status = 'FAILED' })
end
