-- Checks and counts one login attempt in a single step, before its password is checked, so
-- that parallel attempts cannot all pass the check before any of them is counted.
-- KEYS[1]: counter of the (user name, address) pair; KEYS[2]: counter of the address.
--   Each a hash: `count`, `reset_at` (ms; the window ends then).
-- ARGV: now (ms), window (ms), limit of the pair, limit of the address.
-- Returns {1, 0} when the attempt may go on (both counters incremented), or {0, retry_at}
-- when a counter is at its limit (nothing incremented; retry_at = the latest window end).
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limits = { tonumber(ARGV[3]), tonumber(ARGV[4]) }

local counts = {}
local resets = {}
local retry_at = 0
for i = 1, 2 do
  local state = redis.call('HMGET', KEYS[i], 'count', 'reset_at')
  local count = tonumber(state[1]) or 0
  local reset_at = tonumber(state[2]) or 0
  if reset_at <= now then
    count = 0
    reset_at = now + window
  end
  if count >= limits[i] and reset_at > retry_at then retry_at = reset_at end
  counts[i] = count
  resets[i] = reset_at
end
if retry_at > 0 then return { 0, retry_at } end

for i = 1, 2 do
  redis.call('HSET', KEYS[i], 'count', counts[i] + 1, 'reset_at', resets[i])
  -- Cleanup only: the window itself is judged by reset_at against the caller's clock.
  redis.call('PEXPIRE', KEYS[i], window + 60000)
end
return { 1, 0 }
