// tailfold-sim: synthetic workloads.  GPL-2.0-or-later.
//
// Bag of tasks: N one-CPU tasks, all submitted at 0, limit = runtime;
// runtimes uniform in [MIN, MAX] s from a seed, or a fixed list cycled.
//
// LUMI: the published log-normal fit of LUMI's jobs, in scipy's
// parameterisation x = loc + scale * exp(s * Z), Z standard normal:
//   CPUs         s = 1.7195, loc = -0.98930, scale = 199.30
//   runtime (s)  s = 2.6766, loc =  0.95007, scale = 165.06
// CPUs rounded up, at least 1, at most the machine; runtime rounded, at
// least 1 s (and at most max_runtime_s when set); users uniform in 1..100,
// group = user; Poisson arrivals (exponential gaps with the given mean),
// the first at 0; limit = the runtime rounded up to whole minutes, times
// limit_factor, rounded up to whole minutes again.
//
// The same seed gives the same workload on every platform: the random
// numbers come from std::mt19937_64 (whose output the standard fixes) and
// this file's own transforms, not from std::*_distribution (which differ
// between standard libraries).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "workload.h"

namespace tf_sim {

// N tasks, runtimes uniform in [min_s, max_s].  False with `error` unless
// n > 0, 0 < min_s <= max_s and machine_cpus > 0.
bool bag_uniform(std::size_t n, std::int64_t min_s, std::int64_t max_s, std::uint64_t seed,
                 std::uint32_t machine_cpus, Workload &out, std::string &error);

// N tasks, runtimes durations[0], durations[1], ... and round again.  False
// with `error` unless n > 0, the list is not empty, every duration > 0 and
// machine_cpus > 0.
bool bag_cycle(std::size_t n, const std::vector<std::int64_t> &durations, std::uint32_t machine_cpus,
               Workload &out, std::string &error);

struct LumiSpec {
    std::size_t jobs = 1000;
    std::uint32_t machine_cpus = 0;  // > 0: the cap on a job's CPUs
    double mean_interarrival_s = 60;  // >= 0; 0: all at time 0
    double limit_factor = 1;          // >= 1; 1: the runtime rounded up to the minute
    std::int64_t max_runtime_s = 0;   // 0: no cap (the fit's tail reaches years)
    std::uint64_t seed = 1;
};

// False with `error` when the spec makes no sense.
bool lumi_lognormal(const LumiSpec &spec, Workload &out, std::string &error);

// The generators' random numbers, exposed for tests.
class SimRandom {
public:
    explicit SimRandom(std::uint64_t seed);
    double uniform01();  // in (0, 1]: never 0, so its logarithm is finite
    std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);  // in [lo, hi], lo <= hi
    double normal();                                              // standard normal
    double exponential(double mean);

private:
    std::mt19937_64 engine_;
};

}  // namespace tf_sim
