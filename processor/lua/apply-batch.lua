--[[
  apply-batch: applies one batch of write ops of one change stream to the target together
  with that stream's checkpoint, atomically, after checking the fencing epoch and the type of
  every key the batch touches.

  KEYS[1]  checkpoint hash (field = change stream name, value = last applied entry id)
  KEYS[2]  fence key (string: highest epoch that has written here)
  KEYS[3…] every data key the ops touch, referenced by index

  ARGV[1]  epoch of the writer (decimal integer)
  ARGV[2]  change stream name
  ARGV[3]  id of the first entry in the batch ("<ms>-<seq>")
  ARGV[4]  id of the last entry in the batch
  ARGV[5…] ops, each encoded as:
             'R', entry id                                            ops below belong to this record
             'H', key, n, f1, v1, … fn, vn, m, keep1, … keepm         replace a hash
             'M', key, n, f1, v1, … fn, vn, m, del1, … delm           merge into a hash
             'D', key                                                 delete a key
             'J', key, path, json, e, ensure1, … ensuree              JSON.SET (ancestors created)
             'G', key, path, json                                     JSON.MERGE
             'K', key, path                                           JSON.DEL
             'A', key, member  /  'B', key, member                    SADD / SREM
             'Z', key, score, member  /  'Y', key, member             ZADD / ZREM
             'T', key, n, f1, v1, … fn, vn                            XADD key *
             'S', key, value                                          SET
             'E', key, seconds                                        EXPIRE
           (key = index into KEYS). Ops before the first 'R' form one record with id ''.

  Returns  {1, applied op count, rejects}  applied, checkpoint moved to ARGV[4]; rejects is a
                                           flat list of (entry id, key, found type, expected
                                           type) for records whose ops met a key of another
                                           data type: none of their ops was applied
           {0, stored checkpoint}          nothing written: ARGV[3] is at or below the checkpoint
           {2, 'json'}                     nothing written: the batch has JSON ops and the
                                           target has no RedisJSON module
  Errors   "FENCED <stored epoch>"         the writer's epoch is older than the stored one

  The script never reads the clock and performs every check before its first write, so a
  type conflict or a missing module can never leave half a batch behind.
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

local JSON_TYPE = 'ReJSON-RL'
-- Type a key must have (or 'none') for the op, and the type it has afterwards (nil: unchanged).
local NEEDS = { M = 'hash', G = JSON_TYPE, K = JSON_TYPE, A = 'set', B = 'set', Z = 'zset', Y = 'zset', T = 'stream' }
local MAKES = { H = 'hash', M = 'hash', D = 'none', J = JSON_TYPE, G = JSON_TYPE, A = 'set', Z = 'zset', T = 'stream', S = 'string' }

-- Decodes the ops: {code, key, first argument index, next op index, record id}.
local ops = {}
local needs_json = false
local record = ''
local i = 5
local n_args = #ARGV
while i <= n_args do
  local code = ARGV[i]
  local next_i
  if code == 'R' then
    record = ARGV[i + 1]
    next_i = i + 2
  elseif code == 'H' or code == 'M' then
    local m_at = i + 3 + 2 * tonumber(ARGV[i + 2])
    next_i = m_at + tonumber(ARGV[m_at]) + 1
  elseif code == 'T' then
    next_i = i + 3 + 2 * tonumber(ARGV[i + 2])
  elseif code == 'J' then
    next_i = i + 5 + tonumber(ARGV[i + 4])
  elseif code == 'D' then
    next_i = i + 2
  elseif code == 'K' or code == 'A' or code == 'B' or code == 'Y' or code == 'S' or code == 'E' then
    next_i = i + 3
  elseif code == 'G' or code == 'Z' then
    next_i = i + 4
  else
    return redis.error_reply('BADOP ' .. tostring(code))
  end
  if code ~= 'R' then
    ops[#ops + 1] = { code, KEYS[tonumber(ARGV[i + 1])], i + 2, next_i, record }
    if code == 'J' or code == 'G' or code == 'K' then needs_json = true end
  end
  i = next_i
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

if needs_json and not redis.call('COMMAND', 'INFO', 'JSON.SET')[1] then
  return {2, 'json'}
end

-- Type check, record by record, on a simulation of the types the batch leaves behind.
local types = {}
local function type_of(key, overlay)
  if overlay[key] then return overlay[key] end
  if types[key] == nil then types[key] = redis.call('TYPE', key).ok end
  return types[key]
end

local rejected_records = {}
local rejects = {}
local k = 1
while k <= #ops do
  local rec = ops[k][5]
  local overlay = {}
  local conflict = nil
  local last = k
  while last <= #ops and ops[last][5] == rec do
    local code, key, at = ops[last][1], ops[last][2], ops[last][3]
    local needed = NEEDS[code]
    if code == 'J' and ARGV[at] ~= '$' then needed = JSON_TYPE end
    local found = type_of(key, overlay)
    if conflict == nil and needed and found ~= 'none' and found ~= needed then
      conflict = { key, found, needed }
    end
    if MAKES[code] then overlay[key] = MAKES[code] end
    last = last + 1
  end
  if conflict then
    rejected_records[rec] = true
    rejects[#rejects + 1] = rec
    for _, v in ipairs(conflict) do rejects[#rejects + 1] = v end
  else
    for key, t in pairs(overlay) do types[key] = t end
  end
  k = last
end

if epoch > stored_epoch then
  redis.call('SET', KEYS[2], ARGV[1])
end

local function pairs_from(first, count)
  local args = {}
  for j = first, first + 2 * count - 1 do args[#args + 1] = ARGV[j] end
  return args
end

local applied = 0
for _, op in ipairs(ops) do
  local code, key, at = op[1], op[2], op[3]
  if not rejected_records[op[5]] then
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
      if n > 0 then redis.call('HSET', key, unpack(pairs_from(at + 1, n))) end
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
      redis.call('XADD', key, '*', unpack(pairs_from(at + 1, tonumber(ARGV[at]))))
    elseif code == 'S' then
      redis.call('SET', key, ARGV[at])
    elseif code == 'E' then
      redis.call('EXPIRE', key, ARGV[at])
    end
    applied = applied + 1
  end
end

redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
return {1, applied, rejects}
