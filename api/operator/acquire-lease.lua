-- Acquires the operators' leader lease, or extends it when the caller already holds it
-- unexpired. A new term (free or expired lease) increments the epoch counter: the fencing
-- epoch that the processor's writes carry. Never reads the clock: the caller passes `now`.
-- KEYS[1] lease hash (holder, epoch, expires_at)   KEYS[2] epoch counter
-- ARGV[1] holder id   ARGV[2] now (ms)   ARGV[3] lease duration (ms)
-- Returns {1, epoch, expires_at} when the caller holds the lease afterwards,
--         {0, current holder, its expires_at} when another holder's lease is still valid.
local now = tonumber(ARGV[2])
local holder = redis.call('HGET', KEYS[1], 'holder')
local expires = tonumber(redis.call('HGET', KEYS[1], 'expires_at') or '0')
if holder and expires > now then
  if holder ~= ARGV[1] then
    return {0, holder, expires}
  end
  local epoch = tonumber(redis.call('HGET', KEYS[1], 'epoch'))
  local until_ = now + tonumber(ARGV[3])
  redis.call('HSET', KEYS[1], 'expires_at', until_)
  return {1, epoch, until_}
end
local epoch = redis.call('INCR', KEYS[2])
local until_ = now + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'epoch', epoch, 'expires_at', until_)
return {1, epoch, until_}
