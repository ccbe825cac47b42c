-- cancel.lua: cancel a job that has not started, or ask the worker running it to stop.
--
-- A QUEUED, SCHEDULED or DEFERRED job becomes CANCELED at once. For a STARTED job the hash gets
-- stop_requested, which the worker's next lease renewal reports (the fast path is a pub/sub command
-- the caller sends to the worker); the worker then interrupts the job and records it STOPPED.
--
-- KEYS[1]  ready list                (jrq:{q}:ready)
-- KEYS[2]  job key prefix            (jrq:{q}:job:)
-- KEYS[3]  scheduled zset            (jrq:{q}:scheduled)
-- KEYS[4]  deferred zset             (jrq:{q}:deferred)
-- KEYS[5]  canceled registry zset    (jrq:{q}:canceled)  id -> expiry (ms)
-- KEYS[6]  unique key prefix         (jrq:{q}:unique:)
-- KEYS[7]  pending-dependencies prefix (jrq:{q}:deps:)
-- KEYS[8]  dependents prefix         (jrq:{q}:dependents:)
-- KEYS[9]  queued hash               (jrq:{q}:queued)     compact records (lib/queued.lua)
-- ARGV[1]  job id
-- ARGV[2]  events channel of the queue
-- ARGV[3]  ttl in seconds of a canceled job
-- ARGV[4]  maximum entries kept in the canceled registry
--
-- Returns: { outcome, worker, dependents } where outcome is CANCELED (done), STOPPING (stop requested
-- from worker), ENDED (already over: nothing to do) or MISSING (no such job), and dependents lists
-- the jobs ("queue/id") waiting on a job this call canceled; the caller passes them to release.lua.
-- It runs on a full Redis too (lib/full.lua): canceling is one way an operator frees memory.
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

-- lib/finish.lua: newEndings, endJob, flushEndings, releaseUnique, trimRegistry, sweepRegistry: the end of a job
-- (FINISHED, FAILED, CANCELED or STOPPED) and the registries of ended jobs, written once; pasted
-- where a script says "-- @include finish".
-- Used by: cancel.lua, fetch.lua, reap.lua, recover.lua, release.lua
--
-- A job ends the same way whichever script ends it: its status and ended_at (with the fields of
-- its outcome) in one HSET, its id in the registry of its end scored by the expiry its outcome's
-- ttl gives, its unique key released when its scope ends, the jobs waiting on it
-- taken (the caller hands them to release.lua in their queues), and an event. The registries are
-- added to and trimmed once per script call (flushEndings), so a script that ends many jobs pays
-- for that once; the event is one per job ({"id","status"}) or one per call ({"ended": {status:
-- [ids]}}, fetch.lua's), as each script's callers know it.
--
-- The hash gets no EXPIRE of its own: the registry's score is its expiry, and the sweep of each
-- registry (sweepRegistry: at every trim, and in reap.lua, which every worker runs every few
-- seconds) deletes the hashes whose time has come, with their entries. One command per ended job
-- fewer, and no entry in Redis's expiry table per kept result.



-- At most this many expired jobs are deleted from one registry per sweep, so that a backlog (no
-- worker ran for a while) is worked off over several calls instead of blocking Redis in one.
local SWEEP_MAX = 1000

-- Deletes the jobs of a registry of ended jobs (a zset scored by expiry time) whose expiry has
-- passed, hashes and entries, at most SWEEP_MAX. Returns how many.
local function sweepRegistry(registry, jobPrefix, now)
  local expired = redis.call('ZRANGEBYSCORE', registry, '-inf', now, 'LIMIT', 0, SWEEP_MAX)
  if #expired == 0 then return 0 end
  local dead = {}
  for i = 1, #expired do dead[i] = jobPrefix .. expired[i] end
  for i = 1, #dead, 500 do
    local to = math.min(i + 499, #dead)
    redis.call('DEL', unpack(dead, i, to))
    redis.call('ZREM', registry, unpack(expired, i, to))
  end
  return #expired
end

-- Sweeps a registry of ended jobs and past the cap pops the oldest entries and deletes their job
-- hashes, so a registry is bounded both in time and in size.
local function trimRegistry(registry, jobPrefix, max, now)
  sweepRegistry(registry, jobPrefix, now)
  local over = redis.call('ZCARD', registry) - max
  if over > 0 then
    local popped = redis.call('ZPOPMIN', registry, over)
    local dead = {}
    for i = 1, #popped, 2 do dead[#dead + 1] = jobPrefix .. popped[i] end
    for i = 1, #dead, 1000 do redis.call('DEL', unpack(dead, i, math.min(i + 999, #dead))) end
  end
end

-- The endings of one script call. prefix: the job key prefix; channel: the queue's events channel;
-- now: the Redis time in ms; batchEvent: true to publish one event for the whole call at
-- flushEndings, false to publish one per job as it ends.
local function newEndings(prefix, channel, now, batchEvent)
  return { prefix = prefix, channel = channel, now = now, batch = batchEvent, adds = {}, caps = {}, ended = {},
    count = 0 }
end

-- Releases the unique key a job's 'unique' field u ("<scope>:<key>") names, when the key still
-- names job id and the scope ends here: Q when the job is leased or ends (ending), A when it ends,
-- T never (the key lives out its own TTL, whatever happens to the job). uniquePrefix: the script's
-- unique key prefix; nil where a script cannot reach the keys, and then nothing is released (a key
-- left behind never blocks a new job: enqueue.lua checks its holder's status).
local function releaseUnique(uniquePrefix, u, id, ending)
  if u and uniquePrefix then
    local scope = string.sub(u, 1, 1)
    if scope == 'Q' or (ending and scope == 'A') then
      local ukey = uniquePrefix .. string.sub(u, 3)
      if redis.call('GET', ukey) == id then redis.call('DEL', ukey) end
    end
  end
end

-- Ends job id with status. fields: the outcome's fields besides status and ended_at, a flat list
-- (may be empty); registry and max: the registry of this end and its cap (the oldest entries past it
-- are deleted); ttl: seconds the ended job is kept (< 0: until deleted or pushed out by the cap),
-- after which a sweep deletes it;
-- uniquePrefix and unique: see releaseUnique; dependentsKey: the job's set of dependents, or nil
-- when it has none for sure. Returns the dependents taken (an empty table when none).
local function endJob(e, id, status, fields, registry, max, ttl, uniquePrefix, unique, dependentsKey)
  local key = e.prefix .. id
  redis.call('HSET', key, 'status', status, 'ended_at', int(e.now), unpack(fields))
  local adds = e.adds[registry]
  if not adds then
    adds = {}
    e.adds[registry] = adds
    e.caps[registry] = max
  end
  adds[#adds + 1] = ttl >= 0 and int(e.now + ttl * 1000) or '9007199254740991'
  adds[#adds + 1] = id
  releaseUnique(uniquePrefix, unique, id, true)
  local dependents = {}
  if dependentsKey then
    dependents = redis.call('SMEMBERS', dependentsKey)
    if #dependents > 0 then redis.call('DEL', dependentsKey) end
  end
  if e.batch then
    local list = e.ended[status]
    if not list then
      list = {}
      e.ended[status] = list
    end
    list[#list + 1] = id
  else
    redis.call('PUBLISH', e.channel, cjson.encode({ id = id, status = status }))
  end
  e.count = e.count + 1
  return dependents
end

-- Adds this call's ended jobs to their registries and trims each once; publishes the call's one
-- event when there is one. Call it once, after the last endJob. Entries go in slices, to stay
-- within Lua's stack however many jobs one call ended.
local function flushEndings(e)
  for registry, entries in pairs(e.adds) do
    for i = 1, #entries, 2000 do redis.call('ZADD', registry, unpack(entries, i, math.min(i + 1999, #entries))) end
    trimRegistry(registry, e.prefix, e.caps[registry], e.now)
  end
  if e.batch and e.count > 0 then redis.call('PUBLISH', e.channel, cjson.encode({ ended = e.ended })) end
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

-- lib/full.lua: allowWhenFull, which lets a script that frees memory, or keeps it flat, run on a
-- full Redis; pasted where a script says "-- @include full".
-- Used by: cancel.lua, fetch.lua, recover.lua, release.lua, renew.lua, requeue.lua, start.lua,
--   unclaimed.lua
--
-- With maxmemory reached under the noeviction policy, Redis refuses a script's first write that may
-- grow memory (HSET, ZADD, RPUSH, SADD, ...), but never a later one: it cannot stop a script
-- halfway. Recording outcomes, renewing leases, giving jobs back and canceling are what frees a full
-- Redis (ended jobs expire, registries are trimmed), so those scripts call allowWhenFull first: a
-- write that changes nothing and cannot grow memory. Redis 7's "#!lua flags=allow-oom" would say
-- the same, but Redis 6.2 has no script flags. Producers are refused as before (enqueue.lua writes
-- first with HSET), which is the back-pressure a full Redis needs.

-- key: any key declared in the script's KEYS (so the write stays in the script's slot); the removal
-- of a member that never exists changes nothing, whatever the key holds.
local function allowWhenFull(key)
  redis.pcall('ZREM', key, '')
end

local now = nowMs()
allowWhenFull(KEYS[3])
local id = ARGV[1]
local key = KEYS[2] .. id
materialize(KEYS[9], key, id)
local cur = redis.call('HMGET', key, 'status', 'worker', 'unique')
local status = cur[1]
if not status then return { 'MISSING', '', {} } end
if status == 'STARTED' then
  redis.call('HSET', key, 'stop_requested', '1')
  return { 'STOPPING', cur[2] or '', {} }
end
if status ~= 'QUEUED' and status ~= 'SCHEDULED' and status ~= 'DEFERRED' then
  return { 'ENDED', cur[2] or '', {} }
end
redis.call('DEL', KEYS[7] .. id)
redis.call('LREM', KEYS[1], 1, id)
redis.call('ZREM', KEYS[3], id)
redis.call('ZREM', KEYS[4], id)
local endings = newEndings(KEYS[2], ARGV[2], now, false)
local dependents = endJob(endings, id, 'CANCELED', {}, KEYS[5], tonumber(ARGV[4]), tonumber(ARGV[3]), KEYS[6], cur[3],
  KEYS[8] .. id)
flushEndings(endings)
return { 'CANCELED', '', dependents }
