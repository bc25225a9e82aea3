# The fuzzing build (HVO_FUZZ=ON, `make fuzz`, build-fuzz/): clang with libFuzzer's coverage
# instrumentation, AddressSanitizer and UndefinedBehaviorSanitizer on every object, so a bug in
# any library a fuzz target links is found, not only in the target. Only fuzz/ executables link
# libFuzzer's main (-fsanitize=fuzzer, fuzz/CMakeLists.txt). Debian: clang and libclang-rt-14-dev.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "HVO_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                    -fno-sanitize-recover=undefined -g)
add_link_options(-fsanitize=address,undefined)
