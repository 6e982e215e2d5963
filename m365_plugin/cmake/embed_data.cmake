# Turns a data file into a C++ source that holds its text, so the module is self-contained.
# Usage: cmake -DINPUT=file.json -DOUTPUT=out.cpp -DSYMBOL=permissionsJson -P embed_data.cmake
file(READ "${INPUT}" content)
string(FIND "${content}" ")wpdata\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )wpdata\"")
endif()
get_filename_component(name "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp"
  "// Generated from m365_plugin/data/${name} at build time; do not edit.\n"
  "#include \"embedded_data.h\"\n\n"
  "namespace m365::data {\n"
  "std::string_view ${SYMBOL}() {\n"
  "    static constexpr char text[] = R\"wpdata(${content})wpdata\";\n"
  "    return {text, sizeof(text) - 1};\n"
  "}\n"
  "} // namespace m365::data\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
