// tailfold-sim: its command line.  GPL-2.0-or-later.
//
// The options (help() lists them, man/tailfold-sim.1 documents them), and
// the settings every run starts from.  A function that returns an exit
// status means the program ends with it (0 after --help, 2 after a usage
// error, 1 after another error, said on stderr); none: go on.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "simulator.h"

namespace tf_sim {

struct Options {
    std::string swf, sacct, bag, lumi, policies = "easy,tailfold", slurm_conf, csv, workflow;
    std::string table_format = "text";
    // One entry per --scheduler-params / --priority-params given; none: slurm.conf's or the defaults.
    std::vector<std::string> sched_sets, prio_sets;
    std::uint32_t cpus = 0, cpus_per_node = 0;
    bool quiet = false, start_estimates = false;
};

void help(std::ostream &out);
// A usage error: what is wrong and the usage lines, on stderr; returns 2.
int usage(const char *why);
std::vector<std::string> split(const std::string &s, char sep);
// Digits only, at most 18 of them.
bool to_u64(const std::string &s, std::uint64_t &v);

std::optional<int> parse_options(int argc, char **argv, Options &o);
// slurm.conf's lines (--slurm-conf) into `base`, and every parameter set
// checked before anything runs.
std::optional<int> base_settings(Options &o, SimSettings &base);

}  // namespace tf_sim
