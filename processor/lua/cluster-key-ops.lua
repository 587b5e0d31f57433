--[[
  cluster-key-ops: applies, in order, the write ops of one batch that touch ONE key of a
  Redis Cluster target. A script may only touch keys of one slot, so on a cluster the batch is
  cut into one call per key (cluster-writer.ts); the ops of one key are atomic together, the
  batch as a whole is not. Same semantics as the write part of apply-batch.lua (keep that
  script and this one in step); the type checks and the checkpoint are done by the caller.

  KEYS[1]  the data key every op touches

  ARGV     ops in apply-batch.lua's encoding, without 'R' markers; the key index of each op is
           ignored (always KEYS[1]):
             'H', k, n, f1, v1, … fn, vn, m, keep1, … keepm           replace a hash
             'M', k, n, f1, v1, … fn, vn, m, del1, … delm             merge into a hash
             'D', k                                                   delete the key
             'J', k, path, json, e, ensure1, … ensuree                JSON.SET (ancestors created)
             'G', k, path, json                                       JSON.MERGE
             'K', k, path                                             JSON.DEL
             'A', k, member  /  'B', k, member                        SADD / SREM
             'Z', k, score, member  /  'Y', k, member                 ZADD / ZREM
             'T', k, n, f1, v1, … fn, vn                              XADD key *
             'S', k, value                                            SET
             'E', k, seconds                                          EXPIRE

  Returns  the number of ops applied
  Errors   a Redis error of the first failing command (e.g. WRONGTYPE if the key's type
           changed since the caller checked it); ops before it stay applied.

  The script never reads the clock.
]]

local key = KEYS[1]
local JSON_TYPE = 'ReJSON-RL'

local function pairs_from(first, count)
  local args = {}
  for j = first, first + 2 * count - 1 do args[#args + 1] = ARGV[j] end
  return args
end

local applied = 0
local i = 1
local n_args = #ARGV
while i <= n_args do
  local code = ARGV[i]
  local at = i + 2
  local next_i
  if code == 'D' then
    redis.call('DEL', key)
    next_i = at
  elseif code == 'H' then
    local n = tonumber(ARGV[at])
    local m_at = at + 1 + 2 * n
    local m = tonumber(ARGV[m_at])
    if m > 0 and redis.call('TYPE', key).ok == 'hash' then
      -- Keep listed fields: remove only fields that are neither written nor kept.
      local wanted = {}
      for j = at + 1, m_at - 1, 2 do wanted[ARGV[j]] = true end
      for j = m_at + 1, m_at + m do wanted[ARGV[j]] = true end
      local stale = {}
      for _, field in ipairs(redis.call('HKEYS', key)) do
        if not wanted[field] then stale[#stale + 1] = field end
      end
      if #stale > 0 then redis.call('HDEL', key, unpack(stale)) end
    else
      redis.call('DEL', key)
    end
    if n > 0 then redis.call('HSET', key, unpack(pairs_from(at + 1, n))) end
    next_i = m_at + m + 1
  elseif code == 'M' then
    local n = tonumber(ARGV[at])
    local m_at = at + 1 + 2 * n
    local m = tonumber(ARGV[m_at])
    if n > 0 then redis.call('HSET', key, unpack(pairs_from(at + 1, n))) end
    if m > 0 then
      local fields = {}
      for j = m_at + 1, m_at + m do fields[#fields + 1] = ARGV[j] end
      redis.call('HDEL', key, unpack(fields))
    end
    next_i = m_at + m + 1
  elseif code == 'J' then
    local path = ARGV[at]
    local e = tonumber(ARGV[at + 2])
    if path == '$' then
      local t = redis.call('TYPE', key).ok
      if t ~= 'none' and t ~= JSON_TYPE then redis.call('DEL', key) end
    else
      -- A nested write: create the document and the ancestors of the entry when missing.
      redis.call('JSON.SET', key, '$', '{}', 'NX')
      for j = at + 3, at + 2 + e do
        redis.call('JSON.SET', key, ARGV[j], '{}', 'NX')
      end
    end
    redis.call('JSON.SET', key, path, ARGV[at + 1])
    next_i = at + 3 + e
  elseif code == 'G' then
    redis.call('JSON.MERGE', key, ARGV[at], ARGV[at + 1])
    next_i = at + 2
  elseif code == 'K' then
    redis.call('JSON.DEL', key, ARGV[at])
    next_i = at + 1
  elseif code == 'A' then
    redis.call('SADD', key, ARGV[at])
    next_i = at + 1
  elseif code == 'B' then
    redis.call('SREM', key, ARGV[at])
    next_i = at + 1
  elseif code == 'Z' then
    redis.call('ZADD', key, ARGV[at], ARGV[at + 1])
    next_i = at + 2
  elseif code == 'Y' then
    redis.call('ZREM', key, ARGV[at])
    next_i = at + 1
  elseif code == 'T' then
    local n = tonumber(ARGV[at])
    redis.call('XADD', key, '*', unpack(pairs_from(at + 1, n)))
    next_i = at + 1 + 2 * n
  elseif code == 'S' then
    redis.call('SET', key, ARGV[at])
    next_i = at + 1
  elseif code == 'E' then
    redis.call('EXPIRE', key, ARGV[at])
    next_i = at + 1
  else
    return redis.error_reply('BADOP ' .. tostring(code))
  end
  applied = applied + 1
  i = next_i
end

return applied
