--[[
  trim-acknowledged: trims a change stream up to the last acknowledged entry of a batch, but
  never past the oldest entry still pending in the consumer group (of any consumer), so an
  unacknowledged entry is never deleted.

  KEYS[1]  the change stream
  ARGV[1]  the consumer group
  ARGV[2]  id of the batch's last entry ("<ms>-<seq>"): entries below it may go

  Returns  the number of entries deleted
]]

local bound = ARGV[2]
local summary = redis.call('XPENDING', KEYS[1], ARGV[1])
local oldest = summary[2]
if summary[1] > 0 and oldest then
  local function parts(id)
    local dash = string.find(id, '-', 1, true)
    return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
  end
  local om, os = parts(oldest)
  local bm, bs = parts(bound)
  if om < bm or (om == bm and os < bs) then bound = oldest end
end
return redis.call('XTRIM', KEYS[1], 'MINID', bound)
