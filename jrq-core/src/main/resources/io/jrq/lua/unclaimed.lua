-- unclaimed.lua: give back the jobs a worker leased without knowing it.
--
-- A fetch whose reply never reached the worker (the call timed out on the client, then ran when
-- Redis woke up; or the connection broke after Redis ran it) leased jobs nobody runs: without this
-- they would wait out their whole lease. After such a failure the worker calls this with every
-- lease it does hold; the STARTED jobs leased to it under any other token go back to the front of
-- their queue with their attempt returned, like requeue.lua (nothing ran them).
--
-- KEYS[1]  active zset               (jrq:{q}:active)
-- KEYS[2]  ready list                (jrq:{q}:ready)
-- KEYS[3]  job key prefix            (jrq:{q}:job:)
-- KEYS[4]  payloads hash             (jrq:{q}:payloads)   payloads of jobs leased from the compact form
--          (lib/running.lua): a job given back gets its payload back in its hash
-- ARGV[1]  the worker's name
-- ARGV[2k], ARGV[2k+1]  job id, lease token, for every job the worker holds in the queue
--
-- Returns: the ids given back.
-- @include clock
-- @include full
-- @include running
allowWhenFull(KEYS[1])
local now = nowMs()
local worker = ARGV[1]
local held = {}
for i = 2, #ARGV, 2 do held[ARGV[i]] = ARGV[i + 1] end
local given = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = KEYS[3] .. id
  local cur = redis.pcall('HMGET', key, 'status', 'worker', 'token')
  if not cur.err and cur[1] == 'STARTED' and cur[2] == worker and held[id] ~= cur[3] then
    redis.call('ZREM', KEYS[1], id)
    restorePayload(KEYS[4], key, id)
    redis.call('HDEL', key, 'token', 'running')
    redis.call('HINCRBY', key, 'attempts', -1)
    redis.call('HSET', key, 'status', 'QUEUED', 'queued_at', now)
    redis.call('RPUSH', KEYS[2], id)
    given[#given + 1] = id
  end
end
return given
