-- renew.lua: extend the leases of all jobs one worker holds in a queue, in one call.
--
-- KEYS[1]  active zset               (jrq:{q}:active)
-- KEYS[2]  job key prefix            (jrq:{q}:job:)
-- ARGV[1]  lease duration in ms
-- ARGV[2k], ARGV[2k+1]  job id, lease token, for every job the worker holds
--
-- Returns: { lost, stop } where lost holds the ids whose lease the worker no longer holds (taken
-- over or gone; their leases are not renewed and the worker must not record their outcome), and stop
-- the ids of jobs someone asked to stop (see cancel.lua).
-- On a full Redis the renewal still runs (lib/full.lua): a lease that cannot be renewed makes the job
-- run again elsewhere.
-- @include clock
-- @include full
local now = nowMs()
allowWhenFull(KEYS[1])
local deadline = now + tonumber(ARGV[1])
local lost, stop = {}, {}
for i = 2, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local cur = redis.call('HMGET', KEYS[2] .. id, 'status', 'token', 'stop_requested')
  if cur[1] == 'STARTED' and cur[2] == token and redis.call('ZSCORE', KEYS[1], id) then
    redis.call('ZADD', KEYS[1], 'XX', deadline, id)
    if cur[3] then stop[#stop + 1] = id end
  else
    lost[#lost + 1] = id
  end
end
return { lost, stop }
