-- Takes back a login attempt that reserve-login-attempt.lua counted, once its outcome is
-- known not to be a wrong password.
-- KEYS[1]: counter of the (user name, address) pair; KEYS[2]: counter of the address.
-- ARGV[1]: `success` (the pair's count is cleared: a right password forgives earlier
--   failures) or `error` (the password could not be checked: only this attempt is taken back).
-- Returns 1.
local function take_back(key)
  local count = tonumber(redis.call('HGET', key, 'count'))
  if count ~= nil and count > 0 then redis.call('HINCRBY', key, 'count', -1) end
end

if ARGV[1] == 'success' then
  redis.call('DEL', KEYS[1])
else
  take_back(KEYS[1])
end
take_back(KEYS[2])
return 1
