-- Counts one failed login in a fixed window. KEYS[1]: the counter hash (`count`, `reset_at`
-- in ms). ARGV: now (ms), window (ms). A window that has ended starts again at 1.
-- Returns {count, reset_at}.
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'count', 'reset_at')
local count = tonumber(state[1]) or 0
local reset_at = tonumber(state[2]) or 0
if reset_at <= now then
  count = 0
  reset_at = now + window
end
count = count + 1
redis.call('HSET', KEYS[1], 'count', count, 'reset_at', reset_at)
-- Cleanup only: the window itself is judged by reset_at against the caller's clock.
redis.call('PEXPIRE', KEYS[1], window + 60000)
return {count, reset_at}
