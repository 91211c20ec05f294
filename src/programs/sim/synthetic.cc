// tailfold-sim: synthetic workloads.  GPL-2.0-or-later.
#include "synthetic.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tf_sim {

SimRandom::SimRandom(std::uint64_t seed) : engine_(seed) {}

double SimRandom::uniform01()
{
    // The top 53 bits, one added: (0, 1] in steps of 2^-53.
    return static_cast<double>((engine_() >> 11) + 1) * 0x1.0p-53;
}

std::int64_t SimRandom::uniform_int(std::int64_t lo, std::int64_t hi)
{
    const std::uint64_t range = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
    if (range == 0)  // the whole 64-bit range
        return static_cast<std::int64_t>(engine_());
    // Draws below 2^64 mod range would make the low values likelier: draw again.
    const std::uint64_t reject_below = (0 - range) % range;
    std::uint64_t x;
    do
        x = engine_();
    while (x < reject_below);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + x % range);
}

namespace {
const double kPi = 3.14159265358979323846;  // M_PI is not standard C++
}  // namespace

double SimRandom::normal()
{
    // Box-Muller, one of the pair: simple, and each draw uses the engine
    // the same number of times, so one job's draws do not shift another's.
    const double r = std::sqrt(-2.0 * std::log(uniform01()));
    return r * std::cos(2.0 * kPi * uniform01());
}

double SimRandom::exponential(double mean)
{
    return -mean * std::log(uniform01());
}

namespace {

bool bag_checks(std::size_t n, std::uint32_t machine_cpus, std::string &error)
{
    if (n == 0) {
        error = "a bag of tasks needs at least one task";
        return false;
    }
    if (machine_cpus == 0) {
        error = "a bag of tasks needs the machine's CPU count";
        return false;
    }
    return true;
}

SimJob task(std::size_t i, std::int64_t runtime)
{
    SimJob j;
    j.id = i + 1;
    j.runtime = j.limit = runtime;  // the bag's tasks ask for exactly what they run
    return j;
}

}  // namespace

bool bag_uniform(std::size_t n, std::int64_t min_s, std::int64_t max_s, std::uint64_t seed,
                 std::uint32_t machine_cpus, Workload &out, std::string &error)
{
    if (!bag_checks(n, machine_cpus, error))
        return false;
    if (min_s <= 0 || min_s > max_s) {
        error = "a bag of tasks needs 0 < MIN <= MAX";
        return false;
    }
    out = Workload{};
    out.machine_cpus = machine_cpus;
    SimRandom rnd(seed);
    for (std::size_t i = 0; i < n; ++i)
        out.jobs.push_back(task(i, rnd.uniform_int(min_s, max_s)));
    return true;
}

bool bag_cycle(std::size_t n, const std::vector<std::int64_t> &durations, std::uint32_t machine_cpus,
               Workload &out, std::string &error)
{
    if (!bag_checks(n, machine_cpus, error))
        return false;
    if (durations.empty()) {
        error = "a bag of tasks needs at least one duration";
        return false;
    }
    for (std::int64_t d : durations)
        if (d <= 0) {
            error = "a bag of tasks needs durations > 0, not " + std::to_string(d);
            return false;
        }
    out = Workload{};
    out.machine_cpus = machine_cpus;
    for (std::size_t i = 0; i < n; ++i)
        out.jobs.push_back(task(i, durations[i % durations.size()]));
    return true;
}

bool lumi_lognormal(const LumiSpec &spec, Workload &out, std::string &error)
{
    if (spec.jobs == 0) {
        error = "the LUMI workload needs at least one job";
        return false;
    }
    if (spec.machine_cpus == 0) {
        error = "the LUMI workload needs the machine's CPU count";
        return false;
    }
    if (!std::isfinite(spec.mean_interarrival_s) || spec.mean_interarrival_s < 0) {
        error = "the mean interarrival time must be >= 0 s";
        return false;
    }
    if (!std::isfinite(spec.limit_factor) || spec.limit_factor < 1) {
        error = "the limit factor must be >= 1 (a limit below the runtime would kill the job)";
        return false;
    }
    if (spec.max_runtime_s < 0) {
        error = "the runtime cap must be >= 0 s (0: none)";
        return false;
    }
    // The fit (scipy.stats.lognorm: s, loc, scale).
    const double cpu_s = 1.7195, cpu_loc = -0.98930, cpu_scale = 199.30;
    const double run_s = 2.6766, run_loc = 0.95007, run_scale = 165.06;
    // Far beyond any real job, far below int64: keeps the conversions defined.
    const double kHuge = 1e15;

    out = Workload{};
    out.machine_cpus = spec.machine_cpus;
    SimRandom rnd(spec.seed);
    double t = 0;
    for (std::size_t i = 0; i < spec.jobs; ++i) {
        // Always the same draws in the same order: gap, CPUs, runtime, user.
        const double gap = rnd.exponential(spec.mean_interarrival_s);
        if (i > 0)
            t += gap;
        const double cpus = std::ceil(cpu_loc + cpu_scale * std::exp(cpu_s * rnd.normal()));
        const double run = std::round(run_loc + run_scale * std::exp(run_s * rnd.normal()));
        const std::int64_t user = rnd.uniform_int(1, 100);

        SimJob j;
        j.id = i + 1;
        j.submit = static_cast<std::int64_t>(std::floor(t));
        j.cpus = static_cast<std::uint32_t>(std::max(1.0, std::min(cpus, double(spec.machine_cpus))));
        j.runtime = static_cast<std::int64_t>(std::max(1.0, std::min(run, kHuge)));
        if (spec.max_runtime_s > 0)
            j.runtime = std::min(j.runtime, spec.max_runtime_s);
        j.user = j.group = static_cast<std::uint32_t>(user);
        const double minutes = std::ceil(j.runtime / 60.0);
        // The small margin keeps 10 x 1.1 = 11.000000000000002 at 11 minutes.
        j.limit = static_cast<std::int64_t>(std::min(std::ceil(minutes * spec.limit_factor - 1e-9), kHuge / 60)) * 60;
        j.limit = std::max(j.limit, j.runtime);  // only when the cap above cut it
        out.jobs.push_back(j);
    }
    return true;
}

}  // namespace tf_sim
