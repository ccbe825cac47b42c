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
-- @include queued
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
