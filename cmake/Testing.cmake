# hvo_add_test(NAME name SOURCES a.cpp b.cpp LIBS lib... [LABELS unit|e2e] [TIMEOUT s])
# Builds one GoogleTest executable and registers each of its tests with CTest, so `ctest -j2`
# spreads them over both cores and a failure names the exact test.
include(GoogleTest)
find_package(GTest REQUIRED)

function(hvo_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  gtest_discover_tests(${T_NAME}
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT})
endfunction()
