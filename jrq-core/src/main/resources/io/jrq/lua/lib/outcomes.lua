-- lib/outcomes.lua: recordOutcomes, the first part of fetch.lua: the outcomes a worker reports,
-- fenced by the lease token; pasted where a script says "-- @include outcomes".
-- Used by: fetch.lua
--
-- An outcome is recorded only while the job is STARTED under the token it names: any other status
-- or token means the lease was lost (reaped, recovered, given back) and another attempt owns the
-- job. A RETRY goes back to the ready list or, with a backoff, to the scheduled set; every other
-- outcome ends the job (lib/finish.lua), a FINISHED one dropping a payload nothing shows any more
-- (lib/dropped.lua). The payload of a job leased from the compact form is read from the payloads hash
-- (one HMGET per call) and that field dropped (one HDEL per call); an outcome that keeps the payload
-- writes it into the job hash with the outcome's other fields (lib/running.lua).

-- @include finish
-- @include dropped
-- @include running

-- No fields to add (read only).
local NOTHING = {}

-- The 'errors' history with this attempt's error appended (at most 20 entries).
local function withError(old, attempt, data, now)
  local ok, err = pcall(cjson.decode, data)
  local entry = { attempt = tonumber(attempt) or 0, at = now }
  if ok and type(err) == 'table' then
    entry.type = err.type
    entry.message = err.message
  end
  local list = {}
  if old then
    local okOld, decoded = pcall(cjson.decode, old)
    if okOld and type(decoded) == 'table' then list = decoded end
  end
  list[#list + 1] = entry
  while #list > 20 do table.remove(list, 1) end
  return cjson.encode(list)
end

-- Records the n outcomes in args from index from on (6 values each: id, token, outcome, data, ttl,
-- delay; fetch.lua's header), ending jobs through endings (the caller flushes them). fk: fetch.lua's
-- keys by name; registryMax, finishedMax: the registries' caps. Returns accepted (1 or 0 per
-- outcome), released ({ id, outcome, dependents } per ended job that others wait on), and how many
-- jobs ended FINISHED and FAILED. The acknowledged jobs leave the active set in one ZREM.
local function recordOutcomes(fk, endings, now, args, from, n, registryMax, finishedMax)
  local removed, accepted, released, unheld = {}, {}, {}, {}
  local finishedCount, failedCount = 0, 0
  local ids = {}
  for i = 0, n - 1 do ids[i + 1] = args[from + 6 * i] end
  local held = heldPayloads(fk.payloads, ids)
  for i = 0, n - 1 do
    local b = from + 6 * i
    local id, token, outcome, data = args[b], args[b + 1], args[b + 2], args[b + 3]
    local ttl, delay = tonumber(args[b + 4]), tonumber(args[b + 5])
    local key = fk.prefix .. id
    local cur = redis.pcall('HMGET', key, 'status', 'token', 'attempts', 'unique', 'dependents', 'stop_requested', 'payload')
    if cur.err or cur[1] ~= 'STARTED' or cur[2] ~= token then
      accepted[i + 1] = 0
    else
      accepted[i + 1] = 1
      removed[#removed + 1] = id
      -- A payload held in the payloads hash goes back into the job hash with the outcome's fields,
      -- unless the job finishes and drops it.
      local heldPayload = held[i + 1]
      local keep = NOTHING
      if heldPayload then
        unheld[#unheld + 1] = id
        keep = { 'payload', heldPayload }
      end
      -- A job someone asked to stop does not get another attempt: it ends STOPPED.
      if outcome == 'RETRY' and cur[6] then
        outcome = 'STOPPED'
      end
      if outcome == 'RETRY' then
        local errors = withError(redis.call('HGET', key, 'errors'), cur[3], data, now)
        if delay > 0 then
          redis.call('HSET', key, 'status', 'SCHEDULED', 'due_at', now + delay, 'errors', errors, 'error', data,
            unpack(keep))
          redis.call('ZADD', fk.scheduled, now + delay, id)
        else
          redis.call('HSET', key, 'status', 'QUEUED', 'queued_at', now, 'errors', errors, 'error', data, unpack(keep))
          redis.call('LPUSH', fk.ready, id)
        end
      else
        local fields, registry, max, fn = nil, fk.canceled, registryMax, nil
        if outcome == 'FINISHED' then
          registry, max = fk.finished, finishedMax
          finishedCount = finishedCount + 1
          fn = droppableFn(cur[7] or heldPayload)
          if fn then
            fields = { 'result', data, 'fn', fn }
          else
            fields = { 'result', data, unpack(keep) }
          end
        elseif outcome == 'FAILED' then
          registry = fk.failed
          failedCount = failedCount + 1
          fields = { 'errors', withError(redis.call('HGET', key, 'errors'), cur[3], data, now), 'error', data,
            unpack(keep) }
        else
          fields = { 'error', data, unpack(keep) }
        end
        local dependents = endJob(endings, id, outcome, fields, registry, max, ttl, fk.uniquePrefix, cur[4],
          cur[5] and (fk.dependentsPrefix .. id) or nil)
        if fn and cur[7] then redis.call('HDEL', key, 'payload') end
        if #dependents > 0 then released[#released + 1] = { id, outcome, dependents } end
      end
    end
  end
  if #removed > 0 then redis.call('ZREM', fk.active, unpack(removed)) end
  for i = 1, #unheld, 1000 do redis.call('HDEL', fk.payloads, unpack(unheld, i, math.min(i + 999, #unheld))) end
  return accepted, released, finishedCount, failedCount
end
