-- release.lua: tell jobs of one queue that a job they depend on has ended.
--
-- A dependent whose last dependency FINISHED moves from DEFERRED to QUEUED. When a dependency ended
-- any other way (FAILED, CANCELED, STOPPED, or it is gone), the dependent's policy decides: "cancel"
-- cancels it (and its own dependents must then be told, so they are returned), "run" counts the
-- dependency as done. Releasing the same dependency twice changes nothing (the pending set forgets
-- it the first time), so callers may retry.
--
-- KEYS[1]  ready list                (jrq:{q}:ready)
-- KEYS[2]  job key prefix            (jrq:{q}:job:)
-- KEYS[3]  deferred zset             (jrq:{q}:deferred)
-- KEYS[4]  canceled registry zset    (jrq:{q}:canceled)
-- KEYS[5]  pending-dependencies prefix (jrq:{q}:deps:)       SET per job of "queue/id" still awaited
-- KEYS[6]  dependents prefix         (jrq:{q}:dependents:)   SET per job of "queue/id" waiting on it
-- ARGV[1]  events channel of the queue
-- ARGV[2]  ttl in seconds of a canceled job
-- ARGV[3]  maximum entries kept in the canceled registry
-- ARGV[4 + 3(i-1)], +1, +2   dependent id, the dependency as "queue/id", how it ended
--
-- Returns: an array with one entry { id, "CANCELED", {dependents} } per job this call canceled,
-- whose own dependents the caller must tell in turn.
-- It runs on a full Redis too (lib/full.lua): it follows the outcomes fetch.lua records there.
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
local ttl, max = tonumber(ARGV[2]), tonumber(ARGV[3])
local endings = newEndings(KEYS[2], ARGV[1], now, false)
local canceled = {}
for i = 4, #ARGV, 3 do
  local id, dep, outcome = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local key = KEYS[2] .. id
  local cur = redis.call('HMGET', key, 'status', 'dep_policy')
  if cur[1] == 'DEFERRED' then
    local pendingKey = KEYS[5] .. id
    if outcome ~= 'FINISHED' and cur[2] ~= 'run' then
      if redis.call('SISMEMBER', pendingKey, dep) == 1 then
        redis.call('DEL', pendingKey)
        redis.call('ZREM', KEYS[3], id)
        local err = cjson.encode({ type = 'io.jrq.DependencyFailedException',
          message = 'dependency ' .. dep .. ' ended ' .. outcome, stackTrace = '' })
        -- No unique key prefix in this script's KEYS: a key left behind never blocks (lib/finish.lua).
        canceled[#canceled + 1] = { id, 'CANCELED', endJob(endings, id, 'CANCELED', { 'error', err }, KEYS[4], max, ttl,
          nil, nil, KEYS[6] .. id) }
      end
    elseif redis.call('SREM', pendingKey, dep) == 1 and redis.call('SCARD', pendingKey) == 0 then
      redis.call('ZREM', KEYS[3], id)
      redis.call('HSET', key, 'status', 'QUEUED', 'queued_at', now)
      redis.call('LPUSH', KEYS[1], id)
    end
  end
end
flushEndings(endings)
return canceled
