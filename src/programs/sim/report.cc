// tailfold-sim: what a run reports.  GPL-2.0-or-later.
#include "report.h"

#include <fstream>
#include <map>

namespace tf_sim {

// A JSON string literal (paths may hold quotes or backslashes).
std::string json_string(const std::string &s)
{
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

// The workflow's time to solution: from its first submission to its last
// job's end (-1 if it never finished); its jobs' summed waits; the owner;
// and the mean bounded slowdown of every other started job, which chain
// credit must not make worse.
std::string workflow_json(const tf_sim::Workload &w, const tf_sim::SimResult &r, const std::vector<std::size_t> &chain,
                          std::int64_t at, std::uint32_t user)
{
    const tf_sim::JobOutcome &last = r.jobs[chain.back()];
    std::int64_t waited = 0;
    std::vector<bool> in_chain(r.jobs.size());
    for (std::size_t i : chain) {
        in_chain[i] = true;
        if (r.jobs[i].start >= 0)
            waited += r.jobs[i].start - r.jobs[i].submit;
    }
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < r.jobs.size(); ++i)
        if (!in_chain[i] && r.jobs[i].start >= 0) {
            sum += tf_sim::bounded_slowdown(r.jobs[i].start - r.jobs[i].submit, w.jobs[i].runtime);
            ++n;
        }
    char others[64];
    std::snprintf(others, sizeof others, "%.4f", n ? sum / double(n) : 0.0);
    return ", \"workflow_jobs\": " + std::to_string(chain.size()) + ", \"workflow_owner\": " +
           (user == tf_sim::kFreshChainUser ? std::string("null") : std::to_string(user)) +
           ", \"workflow_tts_s\": " + std::to_string(last.end >= 0 ? last.end - at : -1) +
           ", \"workflow_wait_s\": " + std::to_string(waited) + ", \"others_bsld_mean\": " + others;
}

// How far planned starts were from the real ones (--start-estimates).
std::string start_error_json(const tf_sim::StartErrors &e)
{
    auto one = [](const tf_sim::StartError &x) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "{\"jobs\": %zu, \"unplanned\": %zu, \"median\": %.4f, \"p90\": %.4f}",
                      x.jobs, x.unplanned, x.median, x.p90);
        return std::string(buf);
    };
    return ", \"start_error\": {\"at_submit\": " + one(e.at_submit) + ", \"hour_before\": " + one(e.hour_before) + "}";
}

// One table of all runs: each metric beside its ratio to the reference
// run (the first easy run), so that settings are chosen on one page.
// `md` writes Markdown, otherwise aligned plain text.
void print_table(std::FILE *out, const std::vector<Run> &runs, bool md)
{
    const Run *ref = nullptr;
    for (const Run &r : runs)
        if (r.policy == tf_sim::Policy::kEasy) {
            ref = &r;
            break;
        }
    struct Metric {
        const char *name;
        const char *fmt;
        bool per_user;  // absent when no user has kMinUserJobs jobs
        double (*get)(const tf_sim::Summary &);
    };
    const Metric metrics[] = {
        {"bsld_mean", "%.2f", false, [](const tf_sim::Summary &m) { return m.bsld_mean; }},
        {"wait_mean_s", "%.0f", false, [](const tf_sim::Summary &m) { return m.wait_mean_s; }},
        {"wait_p95_s", "%.0f", false, [](const tf_sim::Summary &m) { return m.wait_p95_s; }},
        {"wait_p99_s", "%.0f", false, [](const tf_sim::Summary &m) { return m.wait_p99_s; }},
        {"wait_max_s", "%.0f", false, [](const tf_sim::Summary &m) { return m.wait_max_s; }},
        {"utilization", "%.3f", false, [](const tf_sim::Summary &m) { return m.utilization; }},
        {"worst_user_bsld", "%.2f", true, [](const tf_sim::Summary &m) { return m.users.worst_bsld; }},
        {"jain_bsld", "%.3f", true, [](const tf_sim::Summary &m) { return m.users.jain; }},
    };
    auto fmt = [](const char *f, double v) {
        char buf[64];
        std::snprintf(buf, sizeof buf, f, v);
        return std::string(buf);
    };
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head{"run"};
    for (const Metric &mt : metrics) {
        head.push_back(mt.name);
        if (ref)
            head.push_back("/easy");
        if (std::string(mt.name) == "worst_user_bsld")
            head.push_back("user");
    }
    head.push_back("users");
    rows.push_back(head);
    for (const Run &r : runs) {
        std::vector<std::string> row{r.label};
        for (const Metric &mt : metrics) {
            const bool has = !mt.per_user || r.m.users.users;
            const bool ref_has = ref && (!mt.per_user || ref->m.users.users);
            const double v = mt.get(r.m);
            row.push_back(has ? fmt(mt.fmt, v) : "-");
            if (ref) {
                const double base = ref_has ? mt.get(ref->m) : 0;
                if (has && &r == ref)
                    row.push_back("1.00");  // itself, even when its value is 0
                else if (has && ref_has && base != 0)
                    row.push_back(fmt("%.2f", v / base));
                else
                    row.push_back("-");
            }
            if (std::string(mt.name) == "worst_user_bsld")
                row.push_back(has ? std::to_string(r.m.users.worst_user) : "-");
        }
        row.push_back(std::to_string(r.m.users.users));
        rows.push_back(row);
    }
    std::vector<std::size_t> width(head.size(), 0);
    for (const auto &row : rows)
        for (std::size_t c = 0; c < row.size(); ++c)
            width[c] = std::max(width[c], row[c].size());
    const std::string br = md ? "  \n" : "\n";  // a Markdown line break
    std::fprintf(out, "%s%zu runs; %s%sper user: the users with >= %zu started jobs (users); worst_user_bsld: "
                      "the highest user mean bsld, of `user`;%sjain_bsld: Jain's index over the user means "
                      "(1 = all equal); -: no value\n%s",
                 md ? "\n" : "", runs.size(),
                 ref ? ("/easy: ratio to " + ref->label).c_str() : "no easy run: no ratios", br.c_str(),
                 tf_sim::kMinUserJobs, br.c_str(), md ? "\n" : "");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::string line = md ? "|" : "";
        for (std::size_t c = 0; c < rows[i].size(); ++c) {
            const std::string &cell = rows[i][c];
            const std::string pad(width[c] - cell.size(), ' ');
            if (md)
                line += " " + cell + " |";
            else
                line += (c ? "  " : "") + (c ? pad + cell : cell + pad);  // numbers right, names left
        }
        std::fprintf(out, "%s\n", line.c_str());
        if (md && i == 0) {
            std::string sep = "|";
            for (std::size_t c = 0; c < rows[0].size(); ++c)
                sep += c ? "---:|" : "---|";
            std::fprintf(out, "%s\n", sep.c_str());
        }
    }
}

// PREFIX-POLICY.csv: one row per job (the trace's recorded wait beside the
// simulated one); PREFIX-POLICY-users.csv: wait statistics per user.
void write_csv(const std::string &path, const tf_sim::Workload &w, const tf_sim::SimResult &r)
{
    std::ofstream out(path);
    out << "id,submit,start,end,cpus,runtime,limit,user,wait,recorded_wait\n";
    std::map<std::uint32_t, std::vector<double>> waits;
    for (std::size_t i = 0; i < w.jobs.size(); ++i) {
        const auto &j = w.jobs[i];
        const auto &o = r.jobs[i];
        const std::int64_t wait = o.start >= 0 ? o.start - o.submit : -1;
        out << j.id << ',' << o.submit << ',' << o.start << ',' << o.end << ',' << j.cpus << ','
            << j.runtime << ',' << j.limit << ',' << j.user << ',' << wait << ',' << j.recorded_wait << '\n';
        if (wait >= 0)
            waits[j.user].push_back(double(wait));
    }
    std::ofstream users(path.substr(0, path.size() - 4) + "-users.csv");
    users << "user,jobs,wait_mean_s,wait_median_s,wait_p95_s,wait_max_s\n";
    for (const auto &[user, v] : waits) {
        double sum = 0;
        for (double x : v)
            sum += x;
        users << user << ',' << v.size() << ',' << sum / double(v.size()) << ','
              << tf_sim::percentile(v, 50) << ',' << tf_sim::percentile(v, 95) << ','
              << tf_sim::percentile(v, 100) << '\n';
    }
}

}  // namespace tf_sim
