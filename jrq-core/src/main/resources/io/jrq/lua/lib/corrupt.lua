-- lib/corrupt.lua: jobDefect, payloadDefect, notUtf8, hexOf, moveAside: finds job records that
-- cannot be leased as they are and moves them aside; pasted where a script says "-- @include corrupt".
-- Used by: fetch.lua, reap.lua
--
-- A record written by something other than jrq (a bad producer, a hand edit, a wrong key type) must
-- neither stop the script that meets it (a Redis error would fail every later call for the queue:
-- the queue would stall for ever) nor vanish: it ends FAILED in the failed registry with the reason
-- as an io.jrq.CorruptJobException, kept until deleted or pushed out by the registry's cap.

-- @include finish

local JOB_STATUSES = { QUEUED = true, STARTED = true, SCHEDULED = true, DEFERRED = true,
  FINISHED = true, FAILED = true, CANCELED = true, STOPPED = true }
-- Jobs that wait for a lease: their hash must hold their payload.
local WAITING_STATUSES = { QUEUED = true, SCHEDULED = true, DEFERRED = true }

-- Returns why the job record at key cannot be used (or nil), the key's Redis type, and the hash's
-- fields status, payload, attempts, leases, recoveries, unique, queued_at, enqueued_at (an empty
-- table when it is not a hash). One HMGET in the common case: the key's type is only asked when the read fails or finds
-- no status.
local function jobDefect(key)
  local f = redis.pcall('HMGET', key, 'status', 'payload', 'attempts', 'leases', 'recoveries', 'unique', 'queued_at',
    'enqueued_at')
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
  -- A FINISHED job keeps no payload (fetch.lua drops it), and a STARTED one may hold it in the
  -- payloads hash (lib/running.lua; reap.lua puts it back first), so only a waiting job needs one.
  if not f[2] and WAITING_STATUSES[f[1]] then return 'job hash ' .. key .. ' has no payload field', 'hash', f end
  local names = { 'attempts', 'leases', 'recoveries' }
  for i = 1, 3 do
    local v = f[i + 2]
    if v and not (#v <= 15 and string.match(v, '^%d+$')) then
      return 'job field ' .. names[i] .. ' of ' .. key .. ' is not a count: ' .. string.sub(v, 1, 40), 'hash', f
    end
  end
  return nil, 'hash', f
end

-- Byte sequences of valid UTF-8, by lead byte (RFC 3629: no overlong forms, no surrogates, nothing
-- above U+10FFFF). Every lead byte belongs to exactly one of them and continuation bytes are never
-- leads, so replacing each match by an ASCII byte leaves a byte of 128 or more only where the text
-- is not UTF-8.
local UTF8_SEQUENCES = { '[\194-\223][\128-\191]', '\224[\160-\191][\128-\191]',
  '[\225-\236\238\239][\128-\191][\128-\191]', '\237[\128-\159][\128-\191]',
  '\240[\144-\191][\128-\191][\128-\191]', '[\241-\243][\128-\191][\128-\191][\128-\191]',
  '\244[\128-\143][\128-\191][\128-\191]' }

-- Whether s has a byte of 128 or more. string.byte in slices of 200 bytes and math.max take about
-- half the time of string.find(s, '[\128-\255]'), whose pattern matcher starts again at every
-- position (0.5 against 0.7-1.1 us for 70 bytes, 6-7 against 10-15 us for 1 KB, Redis 7.0): every
-- leased job's id and payload go through here.
local function hasHighByte(s)
  for i = 1, #s, 200 do
    if math.max(string.byte(s, i, i + 199)) > 127 then return true end
  end
  return false
end

-- nil when s is valid UTF-8, else the value of the first byte that is not. Workers and clients read
-- ids and payloads as UTF-8 text; bytes that are not would be decoded as U+FFFD, which silently
-- changes arguments and makes an id address another key. ASCII text costs one scan.
local function notUtf8(s)
  if not hasHighByte(s) then return nil end
  for _, sequence in ipairs(UTF8_SEQUENCES) do s = string.gsub(s, sequence, 'a') end
  local at = string.find(s, '[\128-\255]')
  return at and string.byte(s, at) or nil
end

-- Why a payload cannot be run as it is (or nil): not UTF-8 (a CorruptJobException), or larger than
-- maxBytes, the limit producers are held to (an InvalidPayloadException; nil or a negative limit:
-- none). Also the error type to record.
local function payloadDefect(payload, id, maxBytes)
  if maxBytes and maxBytes >= 0 and #payload > maxBytes then
    return 'payload of job ' .. id .. ' is ' .. #payload .. ' bytes, over the limit of ' .. maxBytes
      .. ' bytes (maxPayloadBytes)', 'io.jrq.InvalidPayloadException'
  end
  local bad = notUtf8(payload)
  if bad then
    return string.format('payload of job %s is not valid UTF-8 (byte 0x%02x)', id, bad), 'io.jrq.CorruptJobException'
  end
  return nil
end

-- The hex spelling of a string's bytes.
local function hexOf(s)
  return (string.gsub(s, '.', function(c) return string.format('%02x', string.byte(c)) end))
end

-- Ends job id FAILED with reason (as errorType, io.jrq.CorruptJobException unless given), kept
-- until deleted or pushed out by the failed registry's cap; a non-hash value (its Redis type:
-- kind) is replaced by a hash keeping a string's value in its field 'raw'. Ended through endings
-- (lib/finish.lua), whose event is one per job: the caller flushes them. Its unique key and
-- dependents are left alone: a record that cannot be read cannot be trusted to name them.
local function moveAside(endings, id, kind, reason, failedKey, registryMax, errorType)
  local key = endings.prefix .. id
  if kind ~= 'hash' then
    local raw = kind == 'string' and redis.call('GET', key) or nil
    redis.call('DEL', key)
    if raw then redis.call('HSET', key, 'raw', raw) end
  end
  local err = cjson.encode({ type = errorType or 'io.jrq.CorruptJobException', message = reason, stackTrace = '' })
  endJob(endings, id, 'FAILED', { 'error', err }, failedKey, registryMax, -1, nil, nil, nil)
  redis.call('HDEL', key, 'token')
end
