-- empty.lua: delete up to ARGV[1] queued jobs from the front of a queue; the caller repeats the
-- call until it returns 0, so that emptying a huge queue never blocks Redis for long.
--
-- KEYS[1]  ready list                (jrq:{q}:ready)
-- KEYS[2]  job key prefix            (jrq:{q}:job:)
-- KEYS[3]  queued hash               (jrq:{q}:queued)     compact records (lib/queued.lua)
-- ARGV[1]  batch size
--
-- Returns: how many ids were removed from the ready list in this call.
local ids = redis.call('RPOP', KEYS[1], tonumber(ARGV[1]))
if not ids then return 0 end
local removed = redis.call('HDEL', KEYS[3], unpack(ids))
-- Jobs with a hash of their own; skipped when every id was a compact record.
if removed < #ids then
  for _, id in ipairs(ids) do
    local key = KEYS[2] .. id
    if redis.call('HGET', key, 'status') == 'QUEUED' then redis.call('DEL', key) end
  end
end
return #ids
