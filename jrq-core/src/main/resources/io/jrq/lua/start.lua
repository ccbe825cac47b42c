-- start.lua: record that a job's run starts, for a job that lost a lease before (a suspect).
--
-- fetch.lua names the suspects among the jobs it leases; the worker calls this right before their
-- code runs, so that if this lease is lost too, Redis knows the lost lease cut a run short and
-- counts it towards giving up (lib/lost.lua). Other jobs are not marked: that costs nothing.
--
-- KEYS[1]  job key prefix            (jrq:{q}:job:)
-- ARGV[1]  job id
-- ARGV[2]  lease token
--
-- Returns: 1 when the mark was recorded, 0 when the lease is no longer this worker's (the job must
-- then not run).
-- @include full
local key = KEYS[1] .. ARGV[1]
allowWhenFull(key)
local cur = redis.call('HMGET', key, 'status', 'token')
if cur[1] ~= 'STARTED' or cur[2] ~= ARGV[2] then return 0 end
redis.call('HSET', key, 'running', ARGV[2])
return 1
