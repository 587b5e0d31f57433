--[[
  apply-batch: applies one batch of write ops of one change stream to the target together
  with that stream's checkpoint, atomically, after checking the fencing epoch and the type of
  every key the batch touches.

  KEYS[1]  checkpoint hash (field = change stream name, value = last applied entry id)
  KEYS[2]  fence key (string: highest epoch that has written here)
  KEYS[3…] every data key the ops touch, referenced by index

  ARGV     packed: ARGV[1] is a MessagePack array of the arguments below (packed-args.lua,
           loaded first, unpacks it; ARGV[i] then means its i-th string)
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
             'X', key, row, deleted ('1' / '0')                       row index (see below)
             'C', key, chunk                                          truncate (see below)
             'V', key, state, run, first, n, m1, … mn                 snapshot row (see below)
             'W', key, state, mode, source, chunk                     snapshot sweep (see below)
             'U' before an op                                         the op applies only when
                                                                      its 'X' row was unknown to
                                                                      the index (or has no 'X')
           (key = index into KEYS). Ops before the first 'R' form one record with id ''.

  Row index (processor/core/row-index.ts). 'X' names a row index hash (`sluice:rows:<stream>`) and
  a source row; the ops after it, up to the next 'R' or 'X', are everything the row places in
  this target now. Its placements are derived from those ops: a key it owns (H, M, S, J or G at
  '$'), a set or sorted set member (A, Z), a nested JSON entry (J below '$'). Before the ops
  run, whatever the row placed before (read from the index) and no longer places is removed:
  DEL, SREM, ZREM, JSON.DEL; a member or entry only while its key still has the type it was
  written with. With deleted = '1' everything it placed is removed and its field deleted; else
  the field is set to its placements (cjson: {{kind, key[, member or path]}, …}). 'C' removes
  what the rows of the index placed, and their fields, about `chunk` rows per call (HSCAN): the
  index itself is the resumable marker. When rows remain, the call stops after that chunk
  (later ops wait), moves the checkpoint to the last record before the truncate's (if any in
  the batch) and returns 3: the caller sends the rest again, and the truncate goes on where it
  stopped, so Redis is never busy with a whole large table at once. Removed keys are read from
  the index, not from KEYS: a standalone target only (the cluster writer keeps no index). The
  functions live in row-index.lua, which apply-batch.ts loads in front of this file.

  Snapshot sweep (processor/core/snapshot-sweep.ts). 'V' names a snapshot's seen set (key), its
  state hash (the name `state`), the Debezium run and whether the row is the first of its table
  ('1' / '0'), and adds the row's members (row identities or owned keys) to the set; a first
  row, or one of another run, starts the set over. 'W', at a table's last snapshot row, removes
  what the snapshot did not read, about `chunk` entries per call (mode 'i': rows of the row
  index `source`; 'k': keys matching the pattern `source`), keeping its cursor in the state
  hash; while entries remain it stops and returns 3 exactly like a truncate. Standalone only,
  like the row index. Functions in snapshot-sweep.lua, loaded after row-index.lua.

  Returns  {1, applied op count, rejects}  applied, checkpoint moved to ARGV[4]; rejects is a
                                           flat list of (entry id, key, found type, expected
                                           type) for records whose ops met a key of another
                                           data type: none of their ops was applied but
                                           their snapshot bookkeeping ('V', 'W')
           {0, stored checkpoint}          nothing written: ARGV[3] is at or below the checkpoint
           {3, checkpoint or '', rejects}  a truncate or sweep is under way: applied up to it (checkpoint
                                           moved to the record before it, or unchanged: the
                                           value returned) and one chunk of it; call again
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

-- Type a key must have (or 'none') for the op, and the type it has afterwards (nil: unchanged).
local NEEDS = { X = 'hash', C = 'hash', V = 'set', W = 'set', M = 'hash', G = JSON_TYPE, K = JSON_TYPE, A = 'set', B = 'set', Z = 'zset', Y = 'zset', T = 'stream' }
local MAKES = { V = 'set', H = 'hash', M = 'hash', D = 'none', J = JSON_TYPE, G = JSON_TYPE, A = 'set', Z = 'zset', T = 'stream', S = 'string' }

-- The type the op whose code is `code` and first argument ARGV[at] needs its key to have (nil:
-- any): a JSON.SET below '$' needs a JSON document, one at '$' replaces whatever is there.
local function needed_type(code, at)
  if code == 'J' and ARGV[at] ~= '$' then return JSON_TYPE end
  return NEEDS[code]
end

-- Decodes the ops: {code, key, first argument index, next op index, record id, row index op}.
local ops = {}
local needs_json = false
local needs_types = false
local record = ''
local scope = nil
local unless_indexed = false
local i = 5
local n_args = #ARGV
while i <= n_args do
  local code = ARGV[i]
  local next_i
  if code == 'R' then
    record = ARGV[i + 1]
    scope = nil
    next_i = i + 2
  elseif code == 'U' then
    next_i = i + 1
  elseif code == 'C' then
    next_i = i + 3
  elseif code == 'X' then
    next_i = i + 4
  elseif code == 'V' then
    next_i = i + 6 + tonumber(ARGV[i + 5])
  elseif code == 'W' then
    next_i = i + 6
  else
    next_i = write_op_end(code, i)
    if not next_i then return redis.error_reply('BADOP ' .. tostring(code)) end
  end
  if code == 'U' then
    unless_indexed = true
  elseif code ~= 'R' then
    if code == 'X' or code == 'C' then scope = nil end
    ops[#ops + 1] = { code, KEYS[tonumber(ARGV[i + 1])], i + 2, next_i, record, scope, unless_indexed }
    unless_indexed = false
    if code == 'X' then scope = #ops end
    if code == 'J' or code == 'G' or code == 'K' then needs_json = true end
    if needed_type(code, i + 2) then needs_types = true end
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
-- Without an op that needs a type (a batch of hash replaces and deletes), nothing can conflict.
local k = needs_types and 1 or #ops + 1
while k <= #ops do
  local rec = ops[k][5]
  local overlay = {}
  local conflict = nil
  local last = k
  while last <= #ops and ops[last][5] == rec do
    local code, key, at = ops[last][1], ops[last][2], ops[last][3]
    local needed = needed_type(code, at)
    -- Only an op that needs a type asks for one: a hash replace or a delete (most ops) costs
    -- no TYPE call.
    if conflict == nil and needed then
      local found = type_of(key, overlay)
      if found ~= 'none' and found ~= needed then conflict = { key, found, needed } end
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

-- Types a snapshot's seen set may have for its bookkeeping to run in a refused record.
local SNAPSHOT_KEY_TYPES = { none = true, set = true }

-- 'X' ops (by op index) whose row the index knew: their 'U' ops are skipped.
local known_rows = {}

local applied = 0
for n, op in ipairs(ops) do
  local code, key, at = op[1], op[2], op[3]
  if op[7] and op[6] and known_rows[op[6]] then
    -- Planned from a before row the index makes unnecessary: skipped.
  elseif not rejected_records[op[5]] or ((code == 'V' or code == 'W') and SNAPSHOT_KEY_TYPES[type_of(key, {})]) then
    -- A refused record's snapshot bookkeeping still runs: a refused last row must not leave
    -- its table unswept (the refused row itself counts as read, so what it had stays).
    if code == 'X' then
      index_row(ops, known_rows, n, key, at)
    elseif code == 'V' then
      snapshot_row(key, at)
    elseif code == 'C' or code == 'W' then
      local done
      if code == 'C' then done = truncate_rows(key, tonumber(ARGV[at])) else done = snapshot_sweep(key, at) end
      if not done then
        -- Only the records before the truncate are done: report their rejects alone.
        local done_records, done_rejects = {}, {}
        for m = 1, n - 1 do done_records[ops[m][5]] = true end
        for r = 1, #rejects, 4 do
          if done_records[rejects[r]] and rejects[r] ~= op[5] then
            for q = r, r + 3 do done_rejects[#done_rejects + 1] = rejects[q] end
          end
        end
        local before = record_before(ops, n)
        if before and before ~= '' then
          redis.call('HSET', KEYS[1], ARGV[2], before)
          return {3, before, done_rejects}
        end
        return {3, checkpoint or '', done_rejects}
      end
    else
      write_op(code, key, at)
    end
    applied = applied + 1
  end
end

redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
return {1, applied, rejects}
