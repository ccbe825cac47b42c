-- depend.lua: register a job as a dependent of jobs in this queue, or report that they have ended.
--
-- Called after the dependent was stored as DEFERRED, so a dependency that ends at any moment
-- either sees the registration or is reported ended here: no release is lost.
--
-- KEYS[1]  job key prefix            (jrq:{q}:job:)
-- KEYS[2]  dependents prefix         (jrq:{q}:dependents:)
-- KEYS[3]  queued hash               (jrq:{q}:queued)     compact records (lib/queued.lua)
-- ARGV[1]  the dependent as "queue/id"
-- ARGV[2..n] ids of the dependencies in this queue
--
-- A dependency that has not ended gets the ref in its dependents set and the field dependents = 1
-- in its hash (a queued job in compact form gets its own hash first, to carry the field).
--
-- Returns: per dependency, WAITING (registered), or how it ended: FINISHED, FAILED, CANCELED,
-- STOPPED, or MISSING (no such job: never existed, expired or deleted).
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

-- lib/clock.lua: nowMs, the one clock of every script, and int, how scripts spell integers;
-- pasted where a script says "-- @include clock" (Script.java does this, once per script). Not a
-- script of its own.
-- Used by: cancel.lua, depend.lua, enqueue.lua, fetch.lua, reap.lua, recover.lua, recurring-due.lua,
--   partitions.lua, recurring-trigger.lua, release.lua, renew.lua, requeue.lua, retry-now.lua, run-now.lua,
--   tick.lua, unclaimed.lua

-- Redis server time in ms: every deadline, due time and timestamp comes from this one clock, never
-- from the callers' machines, whose clocks may disagree.
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- An integer (a time in ms, a count) spelt as a string, for a command argument or a stored value.
-- Redis 7.0 spells a Lua number passed to redis.call with printf("%.17g"), and Lua's own
-- concatenation with "%.14g": the float path of printf, which costs about what a small command does.
-- The per-job paths pass the same few integers (now, a deadline, an expiry) again and again, so each
-- is spelt once per script call, with the integer path of printf.
local spelt = {}
local function int(n)
  local s = spelt[n]
  if not s then
    s = string.format('%d', n)
    spelt[n] = s
  end
  return s
end


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

local out = {}
for i = 2, #ARGV, 1 do
  local id = ARGV[i]
  materialize(KEYS[3], KEYS[1] .. id, id)
  local status = redis.call('HGET', KEYS[1] .. id, 'status')
  if not status then
    out[#out + 1] = 'MISSING'
  elseif status == 'FINISHED' or status == 'FAILED' or status == 'CANCELED' or status == 'STOPPED' then
    out[#out + 1] = status
  else
    redis.call('SADD', KEYS[2] .. id, ARGV[1])
    -- Tells fetch.lua, which reads the hash anyway, that this job's end must release others.
    redis.call('HSET', KEYS[1] .. id, 'dependents', '1')
    out[#out + 1] = 'WAITING'
  end
end
return out
