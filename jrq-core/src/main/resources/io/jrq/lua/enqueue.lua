-- enqueue.lua: store one or more jobs and make them available: on the ready list, or in the
-- scheduled set when they are due later. All jobs are checked before any is written, so a batch is
-- stored whole or not at all.
--
-- A plain job (no unique key, no dependencies, due now) is stored in the compact form of
-- lib/queued.lua when KEYS[7] is given: one field of the queue's queued hash instead of a hash of
-- its own. Without KEYS[7] (producers written before it) every job gets its own hash, as before;
-- workers read both forms.
--
-- A job with a unique key is not stored when the key still names a live job in its scope; the
-- existing job's id is returned in its place. Scopes: Q while queued (released when a worker takes
-- the job), A while queued or running (released when it ends), T for a time (the key's TTL).
--
-- KEYS[1]  ready list                (jrq:{q}:ready)
-- KEYS[2]  job key prefix            (jrq:{q}:job:)
-- KEYS[3]  scheduled zset            (jrq:{q}:scheduled)  id -> due time (ms)
-- KEYS[4]  unique key prefix         (jrq:{q}:unique:)
-- KEYS[5]  pending-dependencies prefix (jrq:{q}:deps:)
-- KEYS[6]  deferred zset             (jrq:{q}:deferred)
-- KEYS[7]  queued hash (optional)    (jrq:{q}:queued)     id -> "<enqueued_at ms>:<payload>"
-- ARGV[1]  flags, a number: 1 puts the jobs at the front of the queue (run next), else the back;
--          + 2 says every id was generated at random by the caller (16 base62 characters or
--          longer), so no job can have it and the check for an existing job is skipped. "0" and "1"
--          keep the check.
-- ARGV[2]  due time in ms since the epoch (Redis clock), or -1
-- ARGV[3]  delay in ms from now (Redis clock), or -1; the later of ARGV[2] and now+ARGV[3] applies
-- ARGV[4]  unique scope: Q, A or T (ignored for jobs without a unique key)
-- ARGV[5]  unique TTL in ms (scope T), else -1
-- ARGV[6]  dependencies as a JSON array of "queue/id" ('[]' for none): the jobs are stored DEFERRED
--          with a pending set each (KEYS[5]..id); depend.lua and release.lua do the rest
-- ARGV[7]  policy when a dependency does not finish: "cancel" or "run"
-- ARGV[8 + 3(k-1)], +1, +2   job id, payload (JSON envelope), unique key ('' for none), for k = 1..n
--
-- Returns: { enqueued_at_ms, ids } where ids[k] is the id of job k, or of the existing job that its
-- unique key named (then job k was not stored).
-- Errors:  "JRQ_JOB_EXISTS <id>" when a job with one of the ids already exists (nothing written).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ready, prefix, scheduled, uprefix, queued = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[7]
local flags = tonumber(ARGV[1])
if not flags or flags < 0 or flags > 3 or flags % 1 ~= 0 then
  return redis.error_reply('ERR enqueue.lua: ARGV[1] must be a flags number from 0 to 3, got ' .. tostring(ARGV[1]))
end
local front, fresh = flags % 2 == 1, flags >= 2
local at, delay = tonumber(ARGV[2]), tonumber(ARGV[3])
local scope, uttl = ARGV[4], tonumber(ARGV[5])
local deps = cjson.decode(ARGV[6])
local depPolicy = ARGV[7]

local due = now
if at >= 0 and at > due then due = at end
if delay >= 0 and now + delay > due then due = now + delay end

local live = { Q = { QUEUED = true, SCHEDULED = true, DEFERRED = true },
               A = { QUEUED = true, SCHEDULED = true, DEFERRED = true, STARTED = true } }

-- Existing holder of a unique key, or nil when the key is free (or names a job out of scope).
local function holder(ukey)
  local id = redis.call('GET', uprefix .. ukey)
  if not id then return nil end
  if scope == 'T' then return id end
  local status = redis.call('HGET', prefix .. id, 'status')
  if status and live[scope] and live[scope][status] then return id end
  return nil
end

local ids, seen = {}, {}
for i = 8, #ARGV, 3 do
  local id, ukey = ARGV[i], ARGV[i + 2]
  local existing = ukey ~= '' and (seen[ukey] or holder(ukey)) or nil
  if existing then
    ids[#ids + 1] = existing
  elseif not fresh and (redis.call('EXISTS', prefix .. id) == 1
      or (queued and redis.call('HEXISTS', queued, id) == 1)) then
    return redis.error_reply('JRQ_JOB_EXISTS ' .. id)
  else
    ids[#ids + 1] = false
    if ukey ~= '' then seen[ukey] = id end
  end
end

local push = front and 'RPUSH' or 'LPUSH'
local compact = queued and #deps == 0 and due <= now
local stamp = now .. ':'
local k = 0
for i = 8, #ARGV, 3 do
  k = k + 1
  local id, payload, ukey = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if not ids[k] and compact and ukey == '' then
    ids[k] = id
    redis.call('HSET', queued, id, stamp .. payload)
    redis.call(push, ready, id)
  elseif not ids[k] then
    ids[k] = id
    local key = prefix .. id
    -- One HSET per job: the payload, the time and the status with its own fields.
    local fields = { 'payload', payload, 'enqueued_at', now }
    if ukey ~= '' then
      fields[#fields + 1] = 'unique'
      fields[#fields + 1] = scope .. ':' .. ukey
      if scope == 'T' then
        redis.call('SET', uprefix .. ukey, id, 'PX', uttl)
      else
        redis.call('SET', uprefix .. ukey, id)
      end
    end
    if #deps > 0 then
      redis.call('HSET', key, 'status', 'DEFERRED', 'deps', ARGV[6], 'dep_policy', depPolicy, unpack(fields))
      redis.call('SADD', KEYS[5] .. id, unpack(deps))
      redis.call('ZADD', KEYS[6], now, id)
    elseif due > now then
      redis.call('HSET', key, 'status', 'SCHEDULED', 'due_at', due, unpack(fields))
      redis.call('ZADD', scheduled, due, id)
    else
      redis.call('HSET', key, 'status', 'QUEUED', unpack(fields))
      redis.call(push, ready, id)
    end
  end
end
return { now, ids }
