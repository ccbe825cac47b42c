-- fetch.lua: complete the jobs a worker has finished and lease the next ones, in one call.
--
-- This is the worker's steady-state round trip: acknowledging finished jobs and fetching new
-- ones share one script so a busy worker pays one Redis round trip per batch, not per job.
-- Jobs are taken from the right end of the ready list (enqueue pushes on the left).
--
-- KEYS[1]  ready list                (jrq:{q}:ready)
-- KEYS[2]  active zset               (jrq:{q}:active)   member job id, score lease deadline (ms)
-- KEYS[3]  job key prefix            (jrq:{q}:job:)
-- KEYS[4]  failed registry zset      (jrq:{q}:failed)   member job id, score end time (ms)
-- ARGV[1]  worker name
-- ARGV[2]  lease duration in ms
-- ARGV[3]  how many jobs to lease (0 = only complete)
-- ARGV[4]  events channel of the queue
-- ARGV[5]  maximum number of entries kept in the failed registry (oldest are deleted)
-- ARGV[6]  number n of completions that follow
-- ARGV[7 + 5(i-1) ...]  per completion: id, lease token, outcome ("FINISHED"|"FAILED"),
--          data (result JSON for FINISHED, error JSON for FAILED), ttl in seconds (-1 = keep)
--
-- Returns: { accepted, jobs } where accepted[i] is 1 when completion i was recorded and 0 when it
-- was rejected because the lease token no longer matches (the job was taken over), and jobs is a
-- flat array of id, payload, token, attempts for every leased job.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ready, active, prefix, failed = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local worker, lease, want = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local channel, failedMax, n = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])

local accepted = {}
for i = 0, n - 1 do
  local b = 7 + 5 * i
  local id, token, outcome, data, ttl = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], tonumber(ARGV[b + 4])
  local key = prefix .. id
  local cur = redis.call('HMGET', key, 'status', 'token')
  if cur[1] ~= 'STARTED' or cur[2] ~= token then
    accepted[i + 1] = 0
  else
    accepted[i + 1] = 1
    redis.call('ZREM', active, id)
    redis.call('HDEL', key, 'token')
    if outcome == 'FINISHED' then
      redis.call('HSET', key, 'status', 'FINISHED', 'ended_at', now, 'result', data)
    else
      redis.call('HSET', key, 'status', 'FAILED', 'ended_at', now, 'error', data)
      redis.call('ZADD', failed, now, id)
      local over = redis.call('ZCARD', failed) - failedMax
      if over > 0 then
        for j, old in ipairs(redis.call('ZPOPMIN', failed, over)) do
          if j % 2 == 1 then redis.call('DEL', prefix .. old) end
        end
      end
    end
    if ttl >= 0 then redis.call('EXPIRE', key, ttl) end
    redis.call('PUBLISH', channel, cjson.encode({ id = id, status = outcome }))
  end
end

local jobs = {}
if want > 0 then
  local ids = redis.call('RPOP', ready, want)
  if ids then
    for _, id in ipairs(ids) do
      local key = prefix .. id
      local payload = redis.call('HGET', key, 'payload')
      -- An id whose job hash is gone (deleted by an operator) is dropped, not leased.
      if payload then
        local attempts = redis.call('HINCRBY', key, 'attempts', 1)
        local token = worker .. ':' .. attempts
        redis.call('HSET', key, 'status', 'STARTED', 'started_at', now, 'worker', worker, 'token', token)
        redis.call('ZADD', active, now + lease, id)
        jobs[#jobs + 1] = id
        jobs[#jobs + 1] = payload
        jobs[#jobs + 1] = token
        jobs[#jobs + 1] = attempts
      end
    end
  end
end
return { accepted, jobs }
