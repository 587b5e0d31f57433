--[[
  snapshot-sweep: the snapshot functions of apply-batch.lua (see its header, "Snapshot sweep").
  Not a script of its own: apply-batch.ts loads this file after row-index.lua (whose
  remove_placement it uses) and in front of apply-batch.lua, as one script.

  Per stream and target, a snapshot keeps two keys (processor/core/snapshot-sweep.ts names them):
    state hash  `sluice:snapshot:<stream>`       run (Debezium run id of the snapshot), cursor
                                                 (sweep position), swept ('1' once done)
    seen set    `sluice:snapshot-rows:<stream>`  what this snapshot has read: row identities
                                                 (indexed tables) or the keys the rows own
]]

-- State keys already checked in this call (value: the run), so that a batch of snapshot rows
-- costs one HMGET, not one per row.
local snapshot_checked = {}
-- State keys whose snapshot is already swept: a repeated row (the sink may write a batch twice)
-- must not grow a seen set nobody will remove.
local snapshot_closed = {}

-- 'V' (ops[n] = {code, seen key, at}): a row read by a snapshot. A first row of a table, or a
-- row of another Debezium run than the state's, starts a new snapshot: the previous seen set
-- goes (it belonged to a snapshot that was cut short or is over). The row's members join the set.
local function snapshot_row(seen_key, at)
  local state_key, run, first = ARGV[at], ARGV[at + 1], ARGV[at + 2] == '1'
  local n = tonumber(ARGV[at + 3])
  if first or snapshot_checked[state_key] ~= run then
    local state = redis.call('HMGET', state_key, 'run', 'swept')
    if first or state[1] ~= run then
      redis.call('UNLINK', seen_key)
      redis.call('DEL', state_key)
      redis.call('HSET', state_key, 'run', run)
      snapshot_closed[state_key] = nil
    else
      snapshot_closed[state_key] = state[2] == '1' or nil
    end
    snapshot_checked[state_key] = run
  end
  if snapshot_closed[state_key] then return end
  for j = at + 4, at + 3 + n do redis.call('SADD', seen_key, ARGV[j]) end
end

-- Key types a sweep by pattern removes: what the default key's outputs write. Streams are
-- append-only (a delete does not remove them either); sets and sorted sets belong to members.
local SWEPT_TYPES = { hash = true, string = true, ['ReJSON-RL'] = true }

-- 'W': the last row of a table's snapshot has been read. Removes, about `chunk` entries per
-- call, what the snapshot did not read: mode 'i' walks the row index `source` (HSCAN) and
-- removes what an unread row placed, then its field; mode 'k' walks the keys matching the
-- pattern `source` (SCAN) and deletes the unread ones. The cursor is kept in the state hash, so
-- the next call goes on where this one stopped. True when the sweep is complete (then the seen
-- set goes and the state says `swept`; a repeated last row sweeps nothing more).
local function snapshot_sweep(seen_key, at)
  local state_key, mode, source, chunk = ARGV[at], ARGV[at + 1], ARGV[at + 2], tonumber(ARGV[at + 3])
  local state = redis.call('HMGET', state_key, 'swept', 'cursor')
  if state[1] then return true end
  local cursor = state[2] or '0'
  local visited = 0
  repeat
    if mode == 'i' then
      local reply = redis.call('HSCAN', source, cursor, 'COUNT', chunk)
      cursor = reply[1]
      local fields = reply[2]
      for j = 1, #fields, 2 do
        if redis.call('SISMEMBER', seen_key, fields[j]) == 0 then
          for _, p in ipairs(cjson.decode(fields[j + 1])) do remove_placement(p) end
          redis.call('HDEL', source, fields[j])
        end
      end
      visited = visited + #fields / 2 + 1
    else
      local reply = redis.call('SCAN', cursor, 'MATCH', source, 'COUNT', chunk)
      cursor = reply[1]
      for _, key in ipairs(reply[2]) do
        if redis.call('SISMEMBER', seen_key, key) == 0 and SWEPT_TYPES[redis.call('TYPE', key).ok] then
          redis.call('DEL', key)
        end
      end
      -- COUNT bounds the slots SCAN visits, whatever matched.
      visited = visited + chunk
    end
  until cursor == '0' or visited >= chunk
  if cursor ~= '0' then
    redis.call('HSET', state_key, 'cursor', cursor)
    return false
  end
  redis.call('UNLINK', seen_key)
  redis.call('HDEL', state_key, 'cursor')
  redis.call('HSET', state_key, 'swept', '1')
  snapshot_closed[state_key] = true
  return true
end
