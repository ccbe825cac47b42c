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

-- @include clock

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
