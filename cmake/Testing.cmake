# hvo_add_test(NAME name SOURCES a.cpp b.cpp LIBS lib... [LABELS unit|e2e] [TIMEOUT s])
# Builds one GoogleTest executable and registers each of its tests with CTest, so `ctest -j2`
# spreads them over both cores and a failure names the exact test.
include(GoogleTest)
find_package(GTest REQUIRED)

# Every test program's main(): a failed SetUpTestSuite fails its tests instead of leaving them
# reported as skipped (tests/support/gtest_main.cpp).
add_library(hvo_gtest_main STATIC ${PROJECT_SOURCE_DIR}/tests/support/gtest_main.cpp)
target_link_libraries(hvo_gtest_main PUBLIC GTest::gtest GTest::gmock)

function(hvo_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} hvo_gtest_main)
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  gtest_discover_tests(${T_NAME}
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT})
endfunction()
