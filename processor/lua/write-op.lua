--[[
  write-op: the write ops both target scripts apply, in apply-batch.lua's encoding (shared by
  apply-batch.lua and cluster-key-ops.lua, each loaded with this file in front of it):
    'H', k, n, f1, v1, … fn, vn, m, keep1, … keepm    replace a hash (keeping the listed fields)
    'M', k, n, f1, v1, … fn, vn, m, del1, … delm      merge into a hash
    'D', k                                            delete the key
    'J', k, path, json, e, ensure1, … ensuree         JSON.SET (ancestors created)
    'G', k, path, json                                JSON.MERGE
    'K', k, path                                      JSON.DEL
    'A', k, member  /  'B', k, member                 SADD / SREM
    'Z', k, score, member  /  'Y', k, member          ZADD / ZREM
    'T', k, n, f1, v1, … fn, vn                       XADD key *
    'S', k, value                                     SET
    'E', k, seconds                                   EXPIRE
  (k = the op's key reference; each script resolves it to a key.)
]]

local JSON_TYPE = 'ReJSON-RL'

-- The `count` field-value pairs from ARGV[first] on, as call arguments (no table built).
local function pairs_from(first, count)
  return unpack(ARGV, first, first + 2 * count - 1)
end

-- Index of the op after the write op whose code is at ARGV[i]; nil for another code.
local function write_op_end(code, i)
  if code == 'H' or code == 'M' then
    local m_at = i + 3 + 2 * tonumber(ARGV[i + 2])
    return m_at + tonumber(ARGV[m_at]) + 1
  elseif code == 'T' then
    return i + 3 + 2 * tonumber(ARGV[i + 2])
  elseif code == 'J' then
    return i + 5 + tonumber(ARGV[i + 4])
  elseif code == 'D' then
    return i + 2
  elseif code == 'K' or code == 'A' or code == 'B' or code == 'Y' or code == 'S' or code == 'E' then
    return i + 3
  elseif code == 'G' or code == 'Z' then
    return i + 4
  end
  return nil
end

-- Applies one write op to `key`; `at` is the index of its first argument after the key.
local function write_op(code, key, at)
  if code == 'D' then
    redis.call('DEL', key)
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
    if n > 0 then redis.call('HSET', key, pairs_from(at + 1, n)) end
  elseif code == 'M' then
    local n = tonumber(ARGV[at])
    local m_at = at + 1 + 2 * n
    local m = tonumber(ARGV[m_at])
    if n > 0 then redis.call('HSET', key, pairs_from(at + 1, n)) end
    if m > 0 then
      local fields = {}
      for j = m_at + 1, m_at + m do fields[#fields + 1] = ARGV[j] end
      redis.call('HDEL', key, unpack(fields))
    end
  elseif code == 'J' then
    local path = ARGV[at]
    if path == '$' then
      local t = redis.call('TYPE', key).ok
      if t ~= 'none' and t ~= JSON_TYPE then redis.call('DEL', key) end
    else
      -- A nested write: create the document and the ancestors of the entry when missing.
      redis.call('JSON.SET', key, '$', '{}', 'NX')
      for j = at + 3, at + 2 + tonumber(ARGV[at + 2]) do
        redis.call('JSON.SET', key, ARGV[j], '{}', 'NX')
      end
    end
    redis.call('JSON.SET', key, path, ARGV[at + 1])
  elseif code == 'G' then
    redis.call('JSON.MERGE', key, ARGV[at], ARGV[at + 1])
  elseif code == 'K' then
    redis.call('JSON.DEL', key, ARGV[at])
  elseif code == 'A' then
    redis.call('SADD', key, ARGV[at])
  elseif code == 'B' then
    redis.call('SREM', key, ARGV[at])
  elseif code == 'Z' then
    redis.call('ZADD', key, ARGV[at], ARGV[at + 1])
  elseif code == 'Y' then
    redis.call('ZREM', key, ARGV[at])
  elseif code == 'T' then
    redis.call('XADD', key, '*', pairs_from(at + 1, tonumber(ARGV[at])))
  elseif code == 'S' then
    redis.call('SET', key, ARGV[at])
  elseif code == 'E' then
    redis.call('EXPIRE', key, ARGV[at])
  end
end
