-- partitions.lua: change how many partitions a queue has, and which partitions may hold its jobs.
--
-- A queue's partitions are queues of their own to every other script (emails, emails~1, ...), each
-- with its own hash tag, so in a cluster they live on other masters. This hash, in partition 0's
-- slot, is what producers read to spread jobs and what workers read to serve them all. It is only
-- ever changed here, as a compare-and-set: two operators changing it at once cannot lose each
-- other's partitions, since the second is told to read it again.
--
-- KEYS[1]  partitions hash           (jrq:{q}:partitions)  count, names, changed_at, limits
--          (changed_at: Redis time in ms of the last change of count or names)
-- ARGV[1]  the names the caller read ("" when the hash was absent)
-- ARGV[2]  the new count: how many partitions, from the first, take new jobs
-- ARGV[3]  the new names: every partition that may hold jobs, comma-separated, partition 0 first
-- ARGV[4]  the queue's own limits, split by the caller over the partitions: concurrency
-- ARGV[5]  rate
-- ARGV[6]  period_ms
--
-- Returns: 1 when written; 0 when the names are not those the caller read (nothing changed).
-- @include clock
local current = redis.call('HGET', KEYS[1], 'names') or ''
if current ~= ARGV[1] then return 0 end
-- changed_at dates the last change of which partitions take jobs: the retirement grace runs from it,
-- so writing the same partitions again (new limits, a retry) must not restart it.
if current ~= ARGV[3] or redis.call('HGET', KEYS[1], 'count') ~= ARGV[2] then
  redis.call('HSET', KEYS[1], 'changed_at', nowMs())
end
redis.call('HSET', KEYS[1], 'count', ARGV[2], 'names', ARGV[3],
    'concurrency', ARGV[4], 'rate', ARGV[5], 'period_ms', ARGV[6])
return 1
