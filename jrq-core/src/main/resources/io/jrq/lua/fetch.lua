-- fetch.lua: record the outcomes of jobs a worker ran and lease the next ones, in one call.
--
-- This is the worker's steady-state round trip: acknowledging outcomes and fetching new jobs share
-- one script so a busy worker pays one Redis round trip per batch, not per job. Before leasing, due
-- scheduled jobs (delayed jobs and retries waiting out their backoff) are moved to the ready list,
-- so whichever worker calls first promotes them, exactly once. Jobs are taken from the right end of
-- the ready list (enqueue pushes on the left). A paused queue, its concurrency limit and its rate
-- limit reduce how many jobs are leased.
--
-- KEYS[1]  ready list                (jrq:{q}:ready)
-- KEYS[2]  active zset               (jrq:{q}:active)     id -> lease deadline (ms)
-- KEYS[3]  job key prefix            (jrq:{q}:job:)
-- KEYS[4]  failed registry zset      (jrq:{q}:failed)     id -> expiry (ms)
-- KEYS[5]  scheduled zset            (jrq:{q}:scheduled)  id -> due time (ms)
-- KEYS[6]  finished registry zset    (jrq:{q}:finished)   id -> expiry (ms)
-- KEYS[7]  canceled registry zset    (jrq:{q}:canceled)   id -> expiry (ms)
-- KEYS[8]  paused flag               (jrq:{q}:paused)
-- KEYS[9]  limits hash               (jrq:{q}:limits)     concurrency, rate, period_ms
-- KEYS[10] rate window counter       (jrq:{q}:rate)
-- KEYS[11] unique key prefix         (jrq:{q}:unique:)
-- KEYS[12] dependents prefix         (jrq:{q}:dependents:)  SET per job of "queue/id" waiting on it
-- KEYS[13] queued hash               (jrq:{q}:queued)     plain queued jobs in compact form (lib/queued.lua)
-- KEYS[14] stats hash                (jrq:{q}:stats)      finished, failed: jobs ever ended so (one HINCRBY each per call);
--          m:<slot>: the per-minute ring of lib/minutes.lua (one HGET and one HSET per call that ended jobs)
-- KEYS[15] payloads hash             (jrq:{q}:payloads)   id -> payload of a job leased from the compact form (lib/running.lua)
-- ARGV[1]  worker name
-- ARGV[2]  lease duration in ms
-- ARGV[3]  how many jobs to lease (0 = only record outcomes)
-- ARGV[4]  events channel of the queue
-- ARGV[5]  maximum entries kept in the failed and canceled registries (the oldest are deleted)
-- ARGV[6]  maximum entries kept in the finished registry (the oldest are deleted)
-- ARGV[7]  number n of outcomes that follow
-- ARGV[8 + 6(i-1) ...]  per outcome: id, lease token, outcome, data, ttl, delay where
--          outcome is FINISHED (data = result JSON), FAILED, STOPPED or RETRY (data = error JSON),
--          ttl is how long the ended job is kept in seconds, and delay is the retry backoff in ms.
-- ARGV[8 + 6n]  optional: the largest payload in bytes a leased job may have (absent or -1: none);
--          a larger one ends FAILED as an io.jrq.InvalidPayloadException instead of running.
--
-- Returns: { accepted, jobs, wait, blocked, released, warnings, suspects } where accepted[i] is 1 when outcome i was recorded and 0 when it
-- was rejected because the lease token no longer matches (the job was taken over or stopped); jobs
-- is a flat array of id, payload, token, attempt, waited for every leased job (waited: ms from the
-- time the job became ready, its enqueue, due or requeue time, to this lease, by Redis' clock); wait is how many ms until a
-- scheduled job falls due or the rate limit allows more (-1 when nothing is pending), and blocked is
-- 1 when the queue is paused or at a limit (waiting on its ready list would then spin), and released
-- lists { id, outcome, {dependents} } for every ended job that other jobs wait on; the worker passes
-- them on to release.lua in the dependents' queues; warnings lists what was wrong with records
-- that were skipped (the limits hash, the rate counter, the ready list), for the worker to log;
-- suspects lists the leased jobs that lost a lease before: the worker marks their start with
-- start.lua (lib/lost.lua says why).
-- A job record that cannot be leased (see lib/corrupt.lua) is moved aside: FAILED, never retried,
-- and so is one whose payload is not UTF-8 or over the limit. An id that is not UTF-8 is never
-- leased either (the worker would read another id and address another key): its record is renamed
-- to the id "invalid-id:" followed by the hex of its first 50 bytes and moved aside under it.
--
-- On a full Redis (maxmemory reached, noeviction) this script still records outcomes and leases
-- (lib/full.lua): that is how a full Redis drains. What it adds is bounded by the results kept,
-- which the registries' caps and expiries bound.
--
-- Cost: this script runs once per batch, so work that can be done once per call is (removing the
-- acknowledged jobs from the active set, adding to each registry, trimming it, publishing the
-- events, adding the leased jobs to the active set, reading and deleting the compact records of
-- the popped ids); per job it reads the hash once and writes it once, and a job leased from its
-- compact record is only written. The status check fences a stale outcome on its own (a token is only ever compared while
-- the status is STARTED, and every lease writes a new one), so the token is left in the hash.
-- The parts, each a library of its own: lib/outcomes.lua, lib/promote.lua, lib/limits.lua,
-- lib/lease.lua.
-- @include clock
-- @include outcomes
-- @include promote
-- @include limits
-- @include lease
-- @include full
-- @include minutes
local now = nowMs()
local fk = { ready = KEYS[1], active = KEYS[2], prefix = KEYS[3], failed = KEYS[4], scheduled = KEYS[5],
  finished = KEYS[6], canceled = KEYS[7], paused = KEYS[8], limits = KEYS[9], rate = KEYS[10], uniquePrefix = KEYS[11],
  dependentsPrefix = KEYS[12], queued = KEYS[13], stats = KEYS[14],
  payloads = KEYS[15] }
local worker, lease, want = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local channel, registryMax, finishedMax, n = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local maxPayload = tonumber(ARGV[8 + 6 * n])
allowWhenFull(fk.active)

-- Ended jobs of this call: added to each registry and trimmed once, published as one event.
local endings = newEndings(fk.prefix, channel, now, true)
-- Records moved aside (lib/corrupt.lua), each with an event of its own.
local aside = newEndings(fk.prefix, channel, now, false)

local accepted, released, finishedCount, failedCount = recordOutcomes(fk, endings, now, ARGV, 8, n, registryMax,
  finishedMax)
flushEndings(endings)

local movedAside, wait = promoteDue(fk, aside, now, registryMax)
failedCount = failedCount + movedAside

local jobs, suspects, blocked, warnings = {}, {}, 0, {}
if want > 0 then
  local rate, period, leased
  want, blocked, wait, rate, period = allowedNow(fk, want, wait, warnings)
  jobs, suspects, leased, movedAside = leaseJobs(fk, want, now, worker, lease, maxPayload, aside, registryMax, warnings)
  failedCount = failedCount + movedAside
  countRate(fk, rate, period, leased)
end
flushEndings(aside)
-- Jobs this call ended FINISHED or FAILED (moved-aside records included), for the queue's counters.
if finishedCount > 0 then redis.call('HINCRBY', fk.stats, 'finished', finishedCount) end
if failedCount > 0 then redis.call('HINCRBY', fk.stats, 'failed', failedCount) end
if finishedCount + failedCount > 0 then countMinute(fk.stats, now, finishedCount, failedCount) end
return { accepted, jobs, wait, blocked, released, warnings, suspects }
