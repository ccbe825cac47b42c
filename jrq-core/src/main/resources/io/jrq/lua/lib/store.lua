-- lib/store.lua: storeJob, a new job's own hash and the place where it waits, written once; pasted
-- where a script says "-- @include store".
-- Used by: enqueue.lua, recurring-trigger.lua, tick.lua
--
-- Every script that creates a job (a producer's enqueue, a recurring job's tick or trigger) stores
-- it the same way: one HSET of its status, payload, enqueued_at and the fields of its state, and its
-- id where that state waits. A plain job may instead be kept in the compact form (lib/queued.lua's
-- storeCompact), which only enqueue.lua writes.

-- Stores new job id in its own hash and puts it where it waits: with dependencies DEFERRED, with
-- its pending set of refs and its id in the deferred set; due later than now SCHEDULED, in the
-- scheduled set; else QUEUED, pushed on the ready list. q: the call's keys and choices, { prefix,
-- ready, push ('LPUSH': the back of the queue, 'RPUSH': the front), and for jobs that can need them
-- scheduled, deferred, pendingPrefix, deps (a table of refs), depsJson, depPolicy }; due: the due
-- time in ms; own: more fields of this job, a flat list (its unique key), or nil.
local function storeJob(q, id, payload, now, due, own)
  local key = q.prefix .. id
  local fields = { 'payload', payload, 'enqueued_at', now }
  if own then
    for i = 1, #own do fields[#fields + 1] = own[i] end
  end
  if q.deps and #q.deps > 0 then
    redis.call('HSET', key, 'status', 'DEFERRED', 'deps', q.depsJson, 'dep_policy', q.depPolicy, unpack(fields))
    redis.call('SADD', q.pendingPrefix .. id, unpack(q.deps))
    redis.call('ZADD', q.deferred, now, id)
  elseif due > now then
    redis.call('HSET', key, 'status', 'SCHEDULED', 'due_at', due, unpack(fields))
    redis.call('ZADD', q.scheduled, due, id)
  else
    redis.call('HSET', key, 'status', 'QUEUED', unpack(fields))
    redis.call(q.push, q.ready, id)
  end
end
