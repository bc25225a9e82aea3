# Third-party libraries, all from Debian packages (scripts/install-deps.sh installs them).

find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)  # the operator's packed caches (operator/object_packer.cpp)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(spdlog REQUIRED)
# Boost.Beast, Boost.Asio (the servers): header-only, Debian libboost-dev 1.74 or vcpkg
# boost-beast. Only common/net's .cpp files include them.
find_package(Boost 1.74 REQUIRED)
add_library(hvo_boost INTERFACE)
target_link_libraries(hvo_boost INTERFACE Boost::headers)
if(WIN32)
  target_compile_definitions(hvo_boost INTERFACE _WIN32_WINNT=0x0A00)
endif()
add_library(hvo::boost ALIAS hvo_boost)

# cpprestsdk defines a macro U() that breaks fmt (and so spdlog). Every target that links
# hvo::cpprest gets the switch that turns it off, so no source file has to remember it.
# Only the few .cpp files behind common/net include cpprest headers: they take ~20 s each to compile.
# The agent does not use it (HVO_AGENT_ONLY builds without it).
if(NOT HVO_AGENT_ONLY)
  find_package(cpprestsdk REQUIRED)
  add_library(hvo_cpprest INTERFACE)
  target_link_libraries(hvo_cpprest INTERFACE cpprestsdk::cpprest OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
  target_compile_definitions(hvo_cpprest INTERFACE _TURN_OFF_PLATFORM_STRING)
  add_library(hvo::cpprest ALIAS hvo_cpprest)
endif()

if(TARGET yaml-cpp::yaml-cpp)
  add_library(hvo::yaml ALIAS yaml-cpp::yaml-cpp)
else()
  add_library(hvo_yaml INTERFACE)
  target_link_libraries(hvo_yaml INTERFACE yaml-cpp)
  add_library(hvo::yaml ALIAS hvo_yaml)
endif()
