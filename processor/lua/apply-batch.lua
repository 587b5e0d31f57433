--[[
  apply-batch: applies one batch of write ops of one change stream to the target together
  with that stream's checkpoint, atomically, after checking the fencing epoch.

  KEYS[1]  checkpoint hash (field = change stream name, value = last applied entry id)
  KEYS[2]  fence key (string: highest epoch that has written here)
  KEYS[3…] every data key the ops touch, referenced by index

  ARGV[1]  epoch of the writer (decimal integer)
  ARGV[2]  change stream name
  ARGV[3]  id of the first entry in the batch ("<ms>-<seq>")
  ARGV[4]  id of the last entry in the batch
  ARGV[5…] ops, each encoded as:
             'H', key index, n, f1, v1, … fn, vn, m, keep1, … keepm   replace a hash
             'D', key index                                           delete a key

  Returns  {1, applied op count}      applied, checkpoint moved to ARGV[4]
           {0, stored checkpoint}     nothing written: ARGV[3] is at or below the checkpoint
  Errors   "FENCED <stored epoch>"    the writer's epoch is older than the stored one

  The script never reads the clock and performs every check before its first write, so an
  error can never leave half a batch behind.
]]

local function parse_id(id)
  local dash = string.find(id, '-', 1, true)
  if not dash then return tonumber(id), 0 end
  return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
end

local function id_at_or_below(a, b)
  local am, as = parse_id(a)
  local bm, bs = parse_id(b)
  return am < bm or (am == bm and as <= bs)
end

local epoch = tonumber(ARGV[1])
local stored_epoch = tonumber(redis.call('GET', KEYS[2]) or '0')
if epoch < stored_epoch then
  return redis.error_reply('FENCED ' .. stored_epoch)
end

local checkpoint = redis.call('HGET', KEYS[1], ARGV[2])
if checkpoint and id_at_or_below(ARGV[3], checkpoint) then
  return {0, checkpoint}
end

if epoch > stored_epoch then
  redis.call('SET', KEYS[2], ARGV[1])
end

local i = 5
local applied = 0
local n_args = #ARGV
while i <= n_args do
  local op = ARGV[i]
  local key = KEYS[tonumber(ARGV[i + 1])]
  if op == 'D' then
    redis.call('DEL', key)
    i = i + 2
  elseif op == 'H' then
    local n = tonumber(ARGV[i + 2])
    local first_field = i + 3
    local m_at = first_field + 2 * n
    local m = tonumber(ARGV[m_at])
    if m > 0 and redis.call('TYPE', key).ok == 'hash' then
      -- Keep listed fields: remove only fields that are neither written nor kept.
      local wanted = {}
      for j = first_field, m_at - 1, 2 do wanted[ARGV[j]] = true end
      for j = m_at + 1, m_at + m do wanted[ARGV[j]] = true end
      local stale = {}
      for _, field in ipairs(redis.call('HKEYS', key)) do
        if not wanted[field] then stale[#stale + 1] = field end
      end
      if #stale > 0 then redis.call('HDEL', key, unpack(stale)) end
    else
      redis.call('DEL', key)
    end
    if n > 0 then
      local args = {}
      for j = first_field, m_at - 1 do args[#args + 1] = ARGV[j] end
      redis.call('HSET', key, unpack(args))
    end
    i = m_at + m + 1
  else
    return redis.error_reply('BADOP ' .. tostring(op))
  end
  applied = applied + 1
end

redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
return {1, applied}
