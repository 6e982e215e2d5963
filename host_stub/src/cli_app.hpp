// cli_app.hpp -- the stub host's command line (Poco::Util::Application, SampleApp style).
#pragma once

#include "cli_options.hpp"

#include <Poco/Util/Application.h>
#include <Poco/Util/OptionSet.h>

#include <string>
#include <vector>

namespace wphost {

/// host_stub VERB [options]: loads a plugin module and drives one verb.  The process exit code is the
/// wp_status of the outcome (0 = ok), so scripts and tests can act on it.
class CliApp : public Poco::Util::Application {
public:
    CliApp();

protected:
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int main(const std::vector<std::string>& arguments) override;

private:
    void printHelp() const;
    int runVerb();

    CliOptions _options;
};

} // namespace wphost
