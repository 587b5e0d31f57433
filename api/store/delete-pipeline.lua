-- Deletes a pipeline with its jobs, desired state and reported status in one step; the
-- operator stops whatever it ran for a pipeline that no longer exists.
-- KEYS[1] set of pipeline names   KEYS[2] pipeline hash   KEYS[3] jobs hash
-- KEYS[4] control hash            KEYS[5] status hash
-- ARGV[1] pipeline name
-- Returns 1 when the pipeline existed, 0 when it did not.
local existed = redis.call('EXISTS', KEYS[2])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call('SREM', KEYS[1], ARGV[1])
return existed
