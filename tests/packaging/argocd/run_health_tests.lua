-- A small test runner for Argo CD Lua health checks, run with lua5.1 (Argo CD embeds a Lua 5.1
-- interpreter). Each case runs the kind's script the way Argo CD does: a fresh environment
-- whose global `obj` is the live object, the script's return value being the health.
-- The environment offers only the base, string, table and math libraries, so a check that
-- reached for io or os would fail here as it could in Argo CD.
--
-- usage: lua5.1 run_health_tests.lua CASES.lua   (CASES.lua is written by export_cases.py)

local VALID_STATUSES = { Healthy = true, Progressing = true, Degraded = true, Suspended = true,
  Missing = true, Unknown = true }

local function deep_copy(value)
  if type(value) ~= "table" then
    return value
  end
  local copy = {}
  for k, v in pairs(value) do
    copy[k] = deep_copy(v)
  end
  return copy
end

local function sandbox(object)
  return {
    obj = deep_copy(object),
    ipairs = ipairs, pairs = pairs, next = next, select = select, type = type,
    tostring = tostring, tonumber = tonumber, unpack = unpack, error = error, pcall = pcall,
    string = string, table = table, math = math,
  }
end

local function run_case(case)
  local chunk, compile_error = loadstring(case.script, "=" .. case.kind .. " health check")
  if chunk == nil then
    return false, "does not compile: " .. compile_error
  end
  setfenv(chunk, sandbox(case.object))
  local ok, result = pcall(chunk)
  if not ok then
    return false, "raised an error: " .. tostring(result)
  end
  if type(result) ~= "table" or not VALID_STATUSES[result.status] then
    return false, "returned no valid health status (got " .. tostring(result and result.status) .. ")"
  end
  if type(result.message) ~= "string" then
    return false, "returned a message that is not a string"
  end
  if result.status ~= case.expect.status then
    return false, "status " .. result.status .. ", expected " .. case.expect.status ..
      " (message: " .. result.message .. ")"
  end
  if case.expect.message ~= nil and result.message ~= case.expect.message then
    return false, "message \"" .. result.message .. "\", expected \"" .. case.expect.message .. "\""
  end
  return true
end

local cases = dofile(assert(arg[1], "usage: lua5.1 run_health_tests.lua CASES.lua"))
local passed, failed = 0, 0
for _, case in ipairs(cases) do
  local ok, why = run_case(case)
  if ok then
    passed = passed + 1
    print("ok   " .. case.kind .. ": " .. case.name)
  else
    failed = failed + 1
    print("FAIL " .. case.kind .. ": " .. case.name .. ": " .. why)
  end
end
print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 or passed == 0 then
  os.exit(1)
end
