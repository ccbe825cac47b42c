-- lib/running.lua: holdPayloads, heldPayloads, restorePayload: where the payload of a job leased
-- from the compact form waits while the job runs; pasted where a script says "-- @include running".
-- Used by: fetch.lua, reap.lua, recover.lua, requeue.lua, unclaimed.lua
--
-- A job leased from its compact record (lib/queued.lua) gets a hash of its own, STARTED, with its
-- lease fields only; its payload goes to the queue's payloads hash (jrq:{q}:payloads, id -> payload),
-- one HSET per script call for every job the call leased. The job hash then holds short values
-- only, so Redis keeps it in its compact encoding (a payload over hash-max-listpack-value, 64 bytes
-- by default, would turn it into a hash table for good), and a job that finishes never wrote its
-- payload into its hash, so there is nothing to delete from it. Whatever ends the lease takes the
-- field away: a finished job (fetch.lua) with one HDEL per call; every other end (a retry, a
-- failure, a lost or given-back lease) first puts the payload back into the job hash
-- (restorePayload), after which the job is a hash like any other. So a job hash that is STARTED and
-- has no payload has it here, and no other job has a field here.

-- Stores the payloads of the jobs just leased: flat is id, payload, id, payload... prefix: the job
-- key prefix. When the payloads hash cannot be written (it holds another type), each payload goes
-- into its own job hash instead, as for a job leased from a hash, and a warning says why.
local function holdPayloads(payloadsKey, prefix, flat, warnings)
  if #flat == 0 then return end
  local failed = nil
  for i = 1, #flat, 1000 do
    local r = redis.pcall('HSET', payloadsKey, unpack(flat, i, math.min(i + 999, #flat)))
    if type(r) == 'table' and r.err then
      failed = r.err
      for j = i, #flat, 2 do redis.call('HSET', prefix .. flat[j], 'payload', flat[j + 1]) end
      break
    end
  end
  if failed then warnings[#warnings + 1] = payloadsKey .. ' is not a hash: ' .. failed end
end

-- The held payloads of ids (a list), by position: nil where a job has none held (or the payloads
-- hash cannot be read: then its jobs' payloads are in their hashes, see holdPayloads).
local function heldPayloads(payloadsKey, ids)
  local held = {}
  for i = 1, #ids, 1000 do
    local r = redis.pcall('HMGET', payloadsKey, unpack(ids, i, math.min(i + 999, #ids)))
    if r.err then return {} end
    for j = 1, #r do held[i + j - 1] = r[j] end
  end
  return held
end

-- Puts job id's held payload back into its hash (key) and drops the field. A job key that is not a
-- hash cannot take it: the record is moved aside as it is (lib/corrupt.lua), and the field goes
-- anyway, so that no field outlives its job. Returns the payload, or nil when none was held.
local function restorePayload(payloadsKey, key, id)
  -- A caller that does not pass the key would give the job back without its payload.
  if not payloadsKey then error('the payloads hash (jrq:{q}:payloads) is missing from KEYS') end
  local p = redis.pcall('HGET', payloadsKey, id)
  if type(p) ~= 'string' then return nil end
  redis.pcall('HSET', key, 'payload', p)
  redis.call('HDEL', payloadsKey, id)
  return p
end
