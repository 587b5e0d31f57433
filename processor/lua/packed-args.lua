--[[
  packed-args: the script's arguments arrive packed (processor/core/packed-args.ts): ARGV[1] is one
  MessagePack array of strings. Loaded in front of the script's other files, this local takes
  the place of ARGV for all of them, so they read ARGV[i] as if each argument came on its own.
]]
local ARGV = cmsgpack.unpack(ARGV[1])
