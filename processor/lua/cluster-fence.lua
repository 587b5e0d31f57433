--[[
  cluster-fence: the fencing check of a Redis Cluster target, run before each batch (the batch
  itself cannot be one script there: its keys live in many slots). Refuses a writer whose
  epoch is older than the highest one recorded, and records a newer one.

  KEYS[1]  fence key (string: highest epoch that has written here)
  ARGV[1]  epoch of the writer (decimal integer)

  Returns  the epoch stored before the call (0 when none)
  Errors   "FENCED <stored epoch>"   the writer's epoch is older than the stored one
]]

local epoch = tonumber(ARGV[1])
local stored = tonumber(redis.call('GET', KEYS[1]) or '0')
if epoch < stored then
  return redis.error_reply('FENCED ' .. stored)
end
if epoch > stored then
  redis.call('SET', KEYS[1], ARGV[1])
end
return stored
