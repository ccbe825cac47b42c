-- lib/queued.lua: storeCompact, splitQueued, materialize: the compact form of a plain queued job,
-- written and read; pasted where a script says "-- @include queued".
-- Used by: cancel.lua, depend.lua, enqueue.lua, fetch.lua
--
-- A job enqueued with nothing but a payload (no unique key, no dependencies, not delayed) is kept
-- as one field of its queue's queued hash (jrq:{q}:queued, id -> "<enqueued_at ms>:<payload>")
-- instead of a hash of its own: a key of its own costs more memory than a small payload (about
-- 460 against 190 bytes per queued job). fetch.lua turns the field into the job's hash when it
-- leases the job; a script that must change a queued job by id first calls materialize(). A job
-- never goes back to the compact form, so a reader that looks at the field first and the hash
-- second (on one connection) always sees the job in one of its two places.

-- @include clock

-- Stores new job id in the compact form, enqueued at now, and pushes it on the ready list (push:
-- 'LPUSH', the back of the queue, or 'RPUSH', the front).
local function storeCompact(queuedKey, ready, push, id, payload, now)
  redis.call('HSET', queuedKey, id, int(now) .. ':' .. payload)
  redis.call(push, ready, id)
end

-- The enqueue time (a string of digits) and payload of a compact record, or nil when the record is
-- not "<digits>:<payload>".
local function splitQueued(v)
  local colon = string.find(v, ':', 1, true)
  if not colon or colon == 1 or colon == #v or colon > 16 then return nil end
  local at = string.sub(v, 1, colon - 1)
  if not string.match(at, '^%d+$') then return nil end
  return at, string.sub(v, colon + 1)
end

-- Moves job id from the compact form into its own hash (key), QUEUED, when it is there; a record
-- that cannot be split is kept in the hash's field 'raw' and without a payload, so the usual
-- checks (lib/corrupt.lua) find it. Returns true when the job was in the compact form.
local function materialize(queuedKey, key, id)
  local v = redis.pcall('HGET', queuedKey, id)
  if type(v) ~= 'string' then return false end
  redis.call('HDEL', queuedKey, id)
  local at, payload = splitQueued(v)
  if at then
    redis.call('HSET', key, 'status', 'QUEUED', 'payload', payload, 'enqueued_at', at)
  else
    redis.call('HSET', key, 'status', 'QUEUED', 'raw', v)
  end
  return true
end
