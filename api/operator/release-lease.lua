-- Releases the leader lease if the caller still holds this term, so a standby can take
-- over at once instead of waiting for the expiry. The epoch counter is kept.
-- KEYS[1] lease hash
-- ARGV[1] holder id   ARGV[2] epoch of the term
-- Returns 1 when released, 0 when the caller did not hold this term.
if redis.call('HGET', KEYS[1], 'holder') == ARGV[1] and redis.call('HGET', KEYS[1], 'epoch') == ARGV[2] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
