// options.cpp -- see options.h.
#include "options.h"

#include <sstream>
#include <stdexcept>

namespace wpbench {

Options::Options(int argc, char** argv, int first) {
    for (int i = first; i < argc; i += 2) {
        std::string name = argv[i];
        if (name.rfind("--", 0) != 0 || i + 1 >= argc)
            throw std::invalid_argument("expected --name value, got '" + name + "'");
        _values[name.substr(2)] = argv[i + 1];
    }
}

std::string Options::text(const std::string& name) const {
    auto found = _values.find(name);
    if (found == _values.end())
        throw std::invalid_argument("missing --" + name);
    return found->second;
}

std::string Options::text(const std::string& name, const std::string& fallback) const {
    auto found = _values.find(name);
    return found == _values.end() ? fallback : found->second;
}

long Options::number(const std::string& name, long fallback) const {
    auto found = _values.find(name);
    return found == _values.end() ? fallback : std::stol(found->second);
}

double Options::real(const std::string& name, double fallback) const {
    auto found = _values.find(name);
    return found == _values.end() ? fallback : std::stod(found->second);
}

std::vector<int> Options::list(const std::string& name, const std::vector<int>& fallback) const {
    auto found = _values.find(name);
    if (found == _values.end())
        return fallback;
    std::vector<int> values;
    std::stringstream stream(found->second);
    std::string item;
    while (std::getline(stream, item, ','))
        values.push_back(std::stoi(item));
    return values;
}

} // namespace wpbench
