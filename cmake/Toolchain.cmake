# Compiler settings shared by every target.

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

add_compile_options(-Wall -Wextra)

if(HVO_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Where tests and tools find the source tree (CRDs, examples, scripts) and the build tree (binaries).
add_compile_definitions(
  HVO_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
  HVO_BINARY_DIR="${PROJECT_BINARY_DIR}"
  HVO_VERSION="${PROJECT_VERSION}")
