-- Creates or replaces a pipeline (config text and the complete set of jobs) in one step.
-- KEYS[1] set of pipeline names      KEYS[2] pipeline hash      KEYS[3] jobs hash
-- ARGV[1] mode: "create" (fails if it exists) | "replace" (fails if it does not) | "upsert"
-- ARGV[2] pipeline name   ARGV[3] now (ms, from the caller's clock)
-- ARGV[4] expected revision, "" for any   ARGV[5] config.yaml text
-- ARGV[6..] job name, job text, job name, job text, ...
-- Returns the new revision (integer), or an error reply:
--   "EXISTS <name>" (create, the pipeline exists), "NOT_FOUND <name>" (replace, it does not),
--   "CONFLICT <revision>" (the stored revision is not the expected one). Each reply has a
--   second word: Redis would prefix a one-word reply with "ERR".
local exists = redis.call('EXISTS', KEYS[2]) == 1
if ARGV[1] == 'create' and exists then
  return redis.error_reply('EXISTS ' .. ARGV[2])
end
if ARGV[1] == 'replace' and not exists then
  return redis.error_reply('NOT_FOUND ' .. ARGV[2])
end
local revision = tonumber(redis.call('HGET', KEYS[2], 'revision') or '0')
if ARGV[4] ~= '' and tonumber(ARGV[4]) ~= revision then
  return redis.error_reply('CONFLICT ' .. revision)
end
revision = revision + 1
if not exists then
  redis.call('HSET', KEYS[2], 'created_at', ARGV[3])
end
redis.call('HSET', KEYS[2], 'config', ARGV[5], 'revision', revision, 'updated_at', ARGV[3])
redis.call('DEL', KEYS[3])
for i = 6, #ARGV, 2 do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
end
redis.call('SADD', KEYS[1], ARGV[2])
return revision
