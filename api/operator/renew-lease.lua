-- Renews the leader lease for the holder of one term. Fails once the lease has expired,
-- even if nobody else took it: the leader must then stop its children and acquire a new
-- term (new epoch), because its processes may have run unfenced past the expiry.
-- KEYS[1] lease hash
-- ARGV[1] holder id   ARGV[2] epoch of the term   ARGV[3] now (ms)   ARGV[4] lease duration (ms)
-- Returns the new expires_at (ms), or 0 when the caller no longer holds this term.
local now = tonumber(ARGV[3])
local holder = redis.call('HGET', KEYS[1], 'holder')
local epoch = redis.call('HGET', KEYS[1], 'epoch')
local expires = tonumber(redis.call('HGET', KEYS[1], 'expires_at') or '0')
if holder ~= ARGV[1] or epoch ~= ARGV[2] or expires <= now then
  return 0
end
local until_ = now + tonumber(ARGV[4])
redis.call('HSET', KEYS[1], 'expires_at', until_)
return until_
