--[[
  cluster-key-ops: applies, in order, the write ops of one batch that touch ONE key of a
  Redis Cluster target. A script may only touch keys of one slot, so on a cluster the batch is
  cut into one call per key (cluster-writer.ts); the ops of one key are atomic together, the
  batch as a whole is not. The ops are written by write-op.lua, as in apply-batch.lua; the
  type checks and the checkpoint are done by the caller.

  KEYS[1]  the data key every op touches

  ARGV     ops in apply-batch.lua's encoding (listed in write-op.lua), without 'R' markers;
           the key reference of each op is ignored (always KEYS[1])

  Returns  the number of ops applied
  Errors   a Redis error of the first failing command (e.g. WRONGTYPE if the key's type
           changed since the caller checked it); ops before it stay applied.

  The script never reads the clock.
]]

local key = KEYS[1]
local applied = 0
local i = 1
local n_args = #ARGV
while i <= n_args do
  local code = ARGV[i]
  local next_i = write_op_end(code, i)
  if not next_i then return redis.error_reply('BADOP ' .. tostring(code)) end
  write_op(code, key, i + 2)
  applied = applied + 1
  i = next_i
end

return applied
