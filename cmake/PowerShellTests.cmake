# PowerShell tests in ctest.
#   hvo_add_pester_test(NAME name PATH tests/dir-or-file [LABELS ...] [TIMEOUT s] [ENV VAR=value...])
#   hvo_add_powershell_script_test(NAME name SCRIPT file.ps1 ARGS ... [TIMEOUT s])
# pwsh is looked up on PATH, then in .tools/bin and ~/.dotnet/tools. Without it the test is
# reported SKIPPED (exit code 77) with a hint to install it, or FAILS when CI=true: never passed.
set(HVO_PESTER_MODULE "${PROJECT_SOURCE_DIR}/.tools/pester/6.2.0/Pester.psd1")
find_program(HVO_PWSH pwsh
  HINTS "${PROJECT_SOURCE_DIR}/.tools/bin" "$ENV{HOME}/.dotnet/tools")
set(HVO_PWSH_MISSING_HINT
  "pwsh (PowerShell 7.6.10) not found: run `make deps` or `dotnet tool install --global PowerShell --version 7.6.10`")

# Runs pwsh with the given arguments, or says why it cannot.
function(_hvo_pwsh_command out_var)
  if(HVO_PWSH)
    set(${out_var} "${HVO_PWSH}" -NoLogo -NoProfile -NonInteractive ${ARGN} PARENT_SCOPE)
  else()
    set(${out_var} /bin/sh -c
      "echo '${HVO_PWSH_MISSING_HINT}' >&2; if [ \"$CI\" = true ]; then echo 'CI=true: failing' >&2; exit 1; fi; exit 77"
      PARENT_SCOPE)
  endif()
endfunction()

function(_hvo_powershell_properties name timeout labels envs)
  set_tests_properties(${name} PROPERTIES
    TIMEOUT ${timeout}
    LABELS "${labels}"
    SKIP_RETURN_CODE 77
    ENVIRONMENT "HVMODEL_CACHE=${CMAKE_BINARY_DIR}/hvmodel-cache;${envs}")
endfunction()

function(hvo_add_pester_test)
  cmake_parse_arguments(T "" "NAME;PATH;TIMEOUT" "LABELS;ENV" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  if(NOT T_LABELS)
    set(T_LABELS powershell)
  endif()
  _hvo_pwsh_command(cmd -File "${PROJECT_SOURCE_DIR}/tests/agent/powershell/run-pester.ps1"
    -PesterModule "${HVO_PESTER_MODULE}" -Path "${CMAKE_CURRENT_SOURCE_DIR}/${T_PATH}")
  add_test(NAME ${T_NAME} COMMAND ${cmd})
  _hvo_powershell_properties(${T_NAME} ${T_TIMEOUT} "${T_LABELS}" "${T_ENV}")
endfunction()

function(hvo_add_powershell_script_test)
  cmake_parse_arguments(T "" "NAME;SCRIPT;TIMEOUT" "ARGS;LABELS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  if(NOT T_LABELS)
    set(T_LABELS powershell)
  endif()
  _hvo_pwsh_command(cmd -File "${CMAKE_CURRENT_SOURCE_DIR}/${T_SCRIPT}" ${T_ARGS})
  add_test(NAME ${T_NAME} COMMAND ${cmd})
  _hvo_powershell_properties(${T_NAME} ${T_TIMEOUT} "${T_LABELS}" "")
endfunction()
