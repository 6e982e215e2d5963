// options.h -- "--name value" command lines for the benchmark programs.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace wpbench {

class Options {
public:
    /// Parses argv[first..] as --name value pairs; throws std::invalid_argument on anything else.
    Options(int argc, char** argv, int first);

    /// The value, or throws std::invalid_argument naming the missing option.
    std::string text(const std::string& name) const;
    std::string text(const std::string& name, const std::string& fallback) const;
    long number(const std::string& name, long fallback) const;
    double real(const std::string& name, double fallback) const;
    /// "1,2,8" -> {1,2,8}.
    std::vector<int> list(const std::string& name, const std::vector<int>& fallback) const;

private:
    std::map<std::string, std::string> _values;
};

} // namespace wpbench
