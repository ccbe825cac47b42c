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
-- @include clock
-- @include finish
-- @include queued
-- @include full
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
