--[[
  row-index: the row index functions of apply-batch.lua (see its header, "Row index"). Not a
  script of its own: apply-batch.ts loads this file in front of apply-batch.lua as one script.
]]

-- Row index: what an op places ({kind, key[, member or path]}), or nil.
local function placement(code, key, at)
  if code == 'H' or code == 'M' or code == 'S' then return { 'k', key } end
  if code == 'J' or code == 'G' then
    if ARGV[at] == '$' then return { 'k', key } end
    return { 'j', key, ARGV[at] }
  end
  if code == 'A' then return { 's', key, ARGV[at] } end
  if code == 'Z' then return { 'z', key, ARGV[at + 1] } end
  return nil
end

local function placement_id(p)
  return p[1] .. '\0' .. p[2] .. '\0' .. (p[3] or '')
end

local REMOVAL_TYPE = { s = 'set', z = 'zset', j = 'ReJSON-RL' }
local function remove_placement(p)
  if p[1] == 'k' then
    redis.call('DEL', p[2])
    return
  end
  -- A member or entry goes only while its key still has the type it was written with.
  if redis.call('TYPE', p[2]).ok ~= REMOVAL_TYPE[p[1]] then return end
  if p[1] == 's' then
    redis.call('SREM', p[2], p[3])
  elseif p[1] == 'z' then
    redis.call('ZREM', p[2], p[3])
  else
    redis.call('JSON.DEL', p[2], p[3])
  end
end

-- Applies the row index op ops[x_at] (its arguments at ARGV[at…]): removes what the row placed
-- and no longer places, records what it places now. Marks known_rows[x_at] when the index
-- knew the row.
local function index_row(ops, known_rows, x_at, index_key, at)
  local row, deleted = ARGV[at], ARGV[at + 1] == '1'
  local placed = {}
  local seen = {}
  if not deleted then
    for j = x_at + 1, #ops do
      local op = ops[j]
      if op[6] ~= x_at then break end
      local p = placement(op[1], op[2], op[3])
      if p and not seen[placement_id(p)] then
        seen[placement_id(p)] = true
        placed[#placed + 1] = p
      end
    end
  end
  local old = redis.call('HGET', index_key, row)
  if old then known_rows[x_at] = true end
  local encoded = #placed > 0 and cjson.encode(placed) or nil
  -- The usual update places what it placed: nothing to remove, nothing to record.
  if old and old == encoded then return end
  if old then
    for _, p in ipairs(cjson.decode(old)) do
      if not seen[placement_id(p)] then remove_placement(p) end
    end
  end
  if encoded then
    redis.call('HSET', index_key, row, encoded)
  elseif old then
    redis.call('HDEL', index_key, row)
  end
end

-- Removes what about `chunk` rows of the index placed, and their fields; true when none is left.
local function truncate_rows(index_key, chunk)
  local cursor, done = '0', 0
  repeat
    local reply = redis.call('HSCAN', index_key, cursor, 'COUNT', chunk)
    cursor = reply[1]
    local fields = reply[2]
    -- A small (listpack) hash comes back whole whatever COUNT says: stop at the chunk anyway.
    for j = 1, #fields, 2 do
      if done >= chunk then break end
      for _, p in ipairs(cjson.decode(fields[j + 1])) do remove_placement(p) end
      redis.call('HDEL', index_key, fields[j])
      done = done + 1
    end
  until cursor == '0' or done >= chunk
  return redis.call('EXISTS', index_key) == 0
end

-- The record before op n's record in this batch, or nil.
local function record_before(ops, n)
  for m = n - 1, 1, -1 do
    if ops[m][5] ~= ops[n][5] then return ops[m][5] end
  end
  return nil
end
