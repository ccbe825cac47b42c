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
-- KEYS[8]  payloads hash (optional)  (jrq:{q}:payloads)   id -> payload of a running job leased from the
--          compact form (lib/running.lua); without it such a job counts as one with another payload
-- ARGV[1]  flags, a number: 1 puts the jobs at the front of the queue (run next), else the back;
--          + 2 says every id was generated at random by the caller (16 base62 characters or
--          longer), so no job can have it and the check for an existing job is skipped. "0" and "1"
--          keep the check. (The Java client no longer sets it: a call the driver sends again after
--          a reconnect must find the jobs the first one stored; the check costs two commands per
--          call, not per job, when no id exists.)
-- ARGV[2]  due time in ms since the epoch (Redis clock), or -1
-- ARGV[3]  delay in ms from now (Redis clock), or -1; the later of ARGV[2] and now+ARGV[3] applies
-- ARGV[4]  unique scope: Q, A or T (ignored for jobs without a unique key)
-- ARGV[5]  unique TTL in ms (scope T), else -1
-- ARGV[6]  dependencies as a JSON array of "queue/id" ('[]' for none): the jobs are stored DEFERRED
--          with a pending set each (KEYS[5]..id); depend.lua and release.lua do the rest
-- ARGV[7]  policy when a dependency does not finish: "cancel" or "run"
-- ARGV[8 + 3(k-1)], +1, +2   job id, payload (JSON envelope), unique key ('' for none), for k = 1..n
--
-- A job whose id is taken by a job with the same payload (ARGV) is that job, enqueued before: its id
-- is returned and nothing is written, whatever state it is in. This makes a retry with the same id
-- safe, after an enqueue whose reply was lost (a timeout) or when the driver sends the call again
-- after a reconnect. A finished job may have dropped its payload (fetch.lua keeps only its "fn");
-- it then counts as the same job when the new payload is one that would be dropped the same way,
-- with the same function. A running job leased from the compact form holds its payload in KEYS[8].
-- An id taken by a job with another payload is an error. The producer's
-- trace context (a trailing "trace" object, see docs/PROTOCOL.md) is left out of the comparison:
-- a retried call runs in a new span, yet enqueues the same job.
--
-- Returns: { enqueued_at_ms, ids } where ids[k] is the id of job k (also when that job already
-- existed with the same payload: then it was not written again), or of the existing job that its
-- unique key named (then job k was not stored).
-- Errors:  "JRQ_JOB_EXISTS <id>" when a job with one of the ids already exists with another payload;
--          "WRONGTYPE ..." when a key to be written holds another type. Every check comes before the
--          first write, so an error means nothing was written. On a Redis at its maxmemory, the
--          first write is refused with OOM (a script's first write that may add memory is checked,
--          later ones are not), so an OOM error means nothing was written either.
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

-- lib/store.lua: storeJob, a new job's own hash and the place where it waits, written once; pasted
-- where a script says "-- @include store".
-- Used by: enqueue.lua, recurring-trigger.lua, tick.lua
--
-- Every script that creates a job (a producer's enqueue, a recurring job's tick or trigger) stores
-- it the same way: one HSET of its status, payload, enqueued_at and the fields of its state, and its
-- id where that state waits. A plain job may instead be kept in the compact form (lib/queued.lua's
-- storeCompact), which only enqueue.lua writes.

-- Stores new job id in its own hash and puts it where it waits: with dependencies DEFERRED, with
-- its pending set of refs and its id in the deferred set; due later than now SCHEDULED, in the
-- scheduled set; else QUEUED, pushed on the ready list. q: the call's keys and choices, { prefix,
-- ready, push ('LPUSH': the back of the queue, 'RPUSH': the front), and for jobs that can need them
-- scheduled, deferred, pendingPrefix, deps (a table of refs), depsJson, depPolicy }; due: the due
-- time in ms; own: more fields of this job, a flat list (its unique key), or nil.
local function storeJob(q, id, payload, now, due, own)
  local key = q.prefix .. id
  local fields = { 'payload', payload, 'enqueued_at', now }
  if own then
    for i = 1, #own do fields[#fields + 1] = own[i] end
  end
  if q.deps and #q.deps > 0 then
    redis.call('HSET', key, 'status', 'DEFERRED', 'deps', q.depsJson, 'dep_policy', q.depPolicy, unpack(fields))
    redis.call('SADD', q.pendingPrefix .. id, unpack(q.deps))
    redis.call('ZADD', q.deferred, now, id)
  elseif due > now then
    redis.call('HSET', key, 'status', 'SCHEDULED', 'due_at', due, unpack(fields))
    redis.call('ZADD', q.scheduled, due, id)
  else
    redis.call('HSET', key, 'status', 'QUEUED', unpack(fields))
    redis.call(q.push, q.ready, id)
  end
end

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

-- lib/dropped.lua: droppableFn, which payloads a finished job drops; pasted where a script says
-- "-- @include dropped".
-- Used by: enqueue.lua, fetch.lua
--
-- fetch.lua drops a finished job's payload when it carries nothing the finished job still shows,
-- keeping only its function name ('fn'); enqueue.lua must then still know a retry of that job for
-- the same job. Both ask this one rule.

-- The function name of a finished job's payload when the payload may be dropped: it carries
-- nothing a finished job still shows (no description, no metadata) and its "fn" key comes before
-- its "args" (so the match is the envelope's own key, not one inside the arguments). Else nil: the
-- payload is kept.
local function droppableFn(payload)
  if not payload or string.find(payload, '"desc"', 1, true) or string.find(payload, '"meta"', 1, true) then
    return nil
  end
  local f, _, fn = string.find(payload, '"fn":"([^"\\]*)"')
  local a = string.find(payload, '"args":', 1, true)
  if f and (not a or f < a) then return fn end
  return nil
end

local now = nowMs()
local ready, prefix, scheduled, uprefix, queued, payloads = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[7], KEYS[8]
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

-- How many of the ids have a record, in two commands for all of them (the common answer is none),
-- and the compact record of each (false when none). Reads in slices, to stay within Lua's stack.
local function records()
  local keysOf, idsOf, found, byIndex = {}, {}, 0, {}
  for i = 8, #ARGV, 3 do
    keysOf[#keysOf + 1] = prefix .. ARGV[i]
    idsOf[#idsOf + 1] = ARGV[i]
  end
  for from = 1, #idsOf, 500 do
    local to = math.min(#idsOf, from + 499)
    found = found + redis.call('EXISTS', unpack(keysOf, from, to))
    if queued then
      local got = redis.call('HMGET', queued, unpack(idsOf, from, to))
      for j = 1, #got do
        byIndex[from + j - 1] = got[j]
        if got[j] then found = found + 1 end
      end
    end
  end
  return found, byIndex
end

-- A payload without its trailing trace context, the part of an envelope that says which job it is.
local function jobPart(payload)
  return (string.gsub(payload, ',"trace":%b{}}$', '}'))
end

local function sameJob(a, b)
  return a == b or jobPart(a) == jobPart(b)
end

-- Whether the job stored under id is the one payload describes; nil when no job has the id.
local function samePayload(id, payload, compactRecord)
  if compactRecord then
    local colon = string.find(compactRecord, ':', 1, true)
    return colon ~= nil and sameJob(string.sub(compactRecord, colon + 1), payload)
  end
  local cur = redis.call('HMGET', prefix .. id, 'payload', 'fn', 'status')
  if not cur[3] and not cur[1] and not cur[2] and redis.call('EXISTS', prefix .. id) == 0 then return nil end
  if cur[1] then return sameJob(cur[1], payload) end
  if cur[3] == 'STARTED' and payloads then
    local held = redis.call('HGET', payloads, id)
    if held then return sameJob(held, payload) end
  end
  return cur[2] ~= false and droppableFn(payload) == cur[2]
end

local found, compactRecords = 0, {}
if not fresh then found, compactRecords = records() end

local ids, seen, given = {}, {}, {}
local k = 0
for i = 8, #ARGV, 3 do
  k = k + 1
  local id, payload, ukey = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local existing = ukey ~= '' and (seen[ukey] or holder(ukey)) or nil
  if existing then
    ids[k] = existing
  elseif given[id] ~= nil then
    -- The same id twice in one call: the first copy is the job.
    if not sameJob(given[id], payload) then return redis.error_reply('JRQ_JOB_EXISTS ' .. id) end
    ids[k] = id
  else
    local same = nil
    if found > 0 then same = samePayload(id, payload, compactRecords[k]) end
    if same == false then
      return redis.error_reply('JRQ_JOB_EXISTS ' .. id)
    end
    -- true: enqueued before with this payload, so it is that job: nothing to write.
    ids[k] = same and id or false
    given[id] = payload
    if ukey ~= '' and not same then seen[ukey] = id end
  end
end

local compact = queued and #deps == 0 and due <= now

-- A key of the wrong type would fail a write half way through: refuse before the first one.
local function wrongType(key, want)
  local t = redis.call('TYPE', key)['ok']
  if t ~= 'none' and t ~= want then
    return 'WRONGTYPE enqueue.lua: ' .. key .. ' holds a ' .. t .. ', not a ' .. want .. '; nothing was written'
  end
  return nil
end
local writes = false
for j = 1, k do
  if not ids[j] then writes = true end
end
if writes then
  local bad
  if #deps > 0 then
    bad = wrongType(KEYS[6], 'zset')
  elseif due > now then
    bad = wrongType(scheduled, 'zset')
  else
    bad = wrongType(ready, 'list') or (compact and fresh and wrongType(queued, 'hash'))
  end
  if bad then return redis.error_reply(bad) end
end

local q = { prefix = prefix, ready = ready, push = front and 'RPUSH' or 'LPUSH', scheduled = scheduled,
  deferred = KEYS[6], pendingPrefix = KEYS[5], deps = deps, depsJson = ARGV[6], depPolicy = depPolicy }
k = 0
for i = 8, #ARGV, 3 do
  k = k + 1
  local id, payload, ukey = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if not ids[k] and compact and ukey == '' then
    ids[k] = id
    storeCompact(queued, ready, q.push, id, payload, now)
  elseif not ids[k] then
    ids[k] = id
    local own = nil
    if ukey ~= '' then
      own = { 'unique', scope .. ':' .. ukey }
      if scope == 'T' then
        redis.call('SET', uprefix .. ukey, id, 'PX', uttl)
      else
        redis.call('SET', uprefix .. ukey, id)
      end
    end
    storeJob(q, id, payload, now, due, own)
  end
end
return { now, ids }
