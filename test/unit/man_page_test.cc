// Unit tests: tailfold(5) documents every key the parsers read, each with
// the default the code has.
#include "src/core/backfill_params.h"
#include "src/core/duration_params.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace tailfold;

namespace {

std::string man_page()
{
    std::ifstream in(TF_MAN_DIR "/tailfold.5");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A key's entry: from its ".TP" line with "\fBkey\fR" to the next ".TP" or
// section.  Empty when there is none.
std::string entry(const std::string &page, const std::string &key)
{
    const std::string head = ".TP\n\\fB" + key + "\\fR";
    const std::size_t at = page.find(head);
    if (at == std::string::npos)
        return "";
    std::size_t end = page.find("\n.TP\n", at + head.size());
    end = std::min(end, page.find("\n.SH", at + head.size()));
    return page.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// The default each key has in the code, as the page words it.
std::map<std::string, std::string> code_defaults()
{
    const BackfillParams b;
    const DurationParams d;
    auto n = [](auto v) { return std::to_string(v); };
    return {
        {"bf_interval", n(b.interval_s)},
        {"bf_window", n(b.window_min)},
        {"bf_resolution", n(b.resolution_s)},
        {"bf_max_job_test", n(b.max_job_test)},
        {"bf_max_time", b.max_time_s ? n(b.max_time_s) : "bf_interval"},
        {"bf_continue", b.continue_after_yield ? "on" : "off"},
        {"bf_yield_interval", n(b.yield_interval_us)},
        {"bf_yield_sleep", n(b.yield_sleep_us)},
        {"bf_reservations", n(b.reservations)},
        {"bf_runtime", b.runtime == PlanRuntime::kLimit ? "limit" : "predicted"},
        {"bf_max_job_user", n(b.max_job_user)},
        {"bf_max_job_assoc", n(b.max_job_assoc)},
        {"bf_max_job_part", n(b.max_job_part)},
        {"bf_max_job_user_part", n(b.max_job_user_part)},
        {"bf_max_job_start", n(b.max_job_start)},
        {"bf_max_job_array_resv", n(b.max_job_array_resv)},
        {"bf_order", b.order == BackfillOrder::kPriority ? "priority" : "shortest"},
        {"bf_starve_age", n(b.starve_age_s)},
        {"bf_estimate", b.estimate == ForecastRuntime::kLearned ? "learned" : "limit"},
        {"bf_estimate_window", n(b.estimate_window_min)},
        {"duration_weight", n(d.weight)},
        {"duration_source", d.source == DurationSource::kAuto      ? "auto"
                            : d.source == DurationSource::kHistory ? "history"
                                                                   : "limit"},
        {"duration_scale", d.scale == DurationScale::kLog ? "log" : "linear"},
        {"duration_min", n(d.min_s)},
        {"duration_max", d.max_s ? n(d.max_s) : "the largest partition MaxTime"},
        {"duration_history_runs", n(d.history_runs)},
        {"duration_store_max", n(d.store_max)},
        {"duration_scope", d.scope == DurationScope::kOwner ? "owner" : "queue"},
        {"duration_batch", n(d.batch_s)},
        {"chain_credit", d.chain_credit ? "on" : "off"},
    };
}

// "Default: X" followed by something other than a digit (so 60 is not
// taken for 600); the page may fold the line anywhere.
bool says_default(std::string text, const std::string &value)
{
    for (char &c : text)
        if (c == '\n')
            c = ' ';
    for (std::size_t at = 0; (at = text.find("Default: " + value, at)) != std::string::npos; ++at) {
        const std::size_t after = at + 9 + value.size();
        if (after >= text.size() || !std::isdigit(static_cast<unsigned char>(text[after])))
            return true;
    }
    return false;
}

}  // namespace

TEST(ManPage, EveryKeyHasAnEntryWithTheCodesDefault)
{
    const std::string page = man_page();
    ASSERT_FALSE(page.empty()) << "cannot read " TF_MAN_DIR "/tailfold.5";
    const auto defaults = code_defaults();
    std::vector<std::string> keys = backfill_keys();
    keys.insert(keys.end(), duration_keys().begin(), duration_keys().end());
    for (const std::string &key : keys) {
        const auto d = defaults.find(key);
        ASSERT_NE(d, defaults.end()) << key << ": a key with no default known to this test; add it";
        const std::string e = entry(page, key);
        EXPECT_FALSE(e.empty()) << key << ": no entry in tailfold(5)";
        EXPECT_TRUE(says_default(e, d->second)) << key << ": tailfold(5) does not say \"Default: "
                                                << d->second << "\"";
    }
    // And no entry for a key the parsers do not read.
    for (std::size_t at = 0; (at = page.find(".TP\n\\fB", at)) != std::string::npos; ++at) {
        const std::size_t b = at + 7, e = page.find("\\fR", b);
        const std::string key = page.substr(b, e - b);
        if (key.compare(0, 3, "bf_") && key.compare(0, 9, "duration_") && key != "chain_credit")
            continue;
        EXPECT_NE(std::find(keys.begin(), keys.end(), key), keys.end())
            << key << ": tailfold(5) has an entry the parsers do not read";
    }
}

// The checker finds what is missing: a page without bf_window's entry, or
// with another default, fails.
TEST(ManPage, TheCheckFailsOnAMissingEntryOrAnotherDefault)
{
    const std::string page = man_page();
    std::string cut = page;
    const std::string e = entry(page, "bf_window");
    ASSERT_FALSE(e.empty());
    cut.erase(cut.find(e), e.size());
    EXPECT_TRUE(entry(cut, "bf_window").empty());
    EXPECT_TRUE(says_default(e, "1440"));
    EXPECT_FALSE(says_default(e, "144"));
    EXPECT_FALSE(says_default(e, "2880"));
}
