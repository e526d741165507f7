# Install the library, its headers and a relocatable package config so that
#   find_package(clawvm CONFIG REQUIRED) + target_link_libraries(app clawvm::clawvm)
# works (tests/consumer proves it).
include(CMakePackageConfigHelpers)

install(TARGETS clawvm_model clawvm clawvm_io clawvm_cli EXPORT clawvmTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The evaluation and importer libraries are not installed (tools of this repository, not
# the embeddable engine), so neither are their headers.
install(DIRECTORY include/clawvm DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  PATTERN "eval" EXCLUDE PATTERN "import" EXCLUDE)
install(FILES ${PROJECT_BINARY_DIR}/generated/include/clawvm/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/clawvm)
install(EXPORT clawvmTargets NAMESPACE clawvm:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/clawvm)

configure_package_config_file(cmake/clawvmConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/clawvmConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/clawvm)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/clawvmConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/clawvmConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/clawvmConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/clawvm)
