-- Replays dead-letter records: re-adds each record's original key and value to its change
-- stream (a new entry, so the processor handles it again with the fixed job or data) and
-- removes it from the DLQ, in one step so a record is never both replayed and kept.
-- KEYS[1] dlq:<stream>   KEYS[2] <stream>   KEYS[3] sluice:stats:<stream>
-- ARGV[1..] DLQ entry ids to replay
-- Returns {replayed, missing}: ids no longer in the DLQ count as missing.
local replayed, missing = 0, 0
for i = 1, #ARGV do
  local found = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
  if #found == 0 then
    missing = missing + 1
  else
    local fields = found[1][2]
    local record = {}
    for j = 1, #fields, 2 do
      record[fields[j]] = fields[j + 1]
    end
    local args = {}
    -- The processor stores '' for an entry that had no key: replay it without one.
    if record['key'] ~= nil and record['key'] ~= '' then
      table.insert(args, 'key')
      table.insert(args, record['key'])
    end
    table.insert(args, 'value')
    table.insert(args, record['value'] or '')
    table.insert(args, 'replay_of')
    table.insert(args, record['entry_id'] or ARGV[i])
    redis.call('XADD', KEYS[2], '*', unpack(args))
    redis.call('XDEL', KEYS[1], ARGV[i])
    replayed = replayed + 1
  end
end
if replayed > 0 then
  redis.call('HINCRBY', KEYS[3], 'replayed', replayed)
end
return {replayed, missing}
