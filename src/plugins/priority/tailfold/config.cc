// priority/tailfold glue: slurm.conf -> core settings.  GPL-2.0-or-later.
#include "prio_glue.h"

#include "src/plugins/common/duration_boost.h"

namespace tf_prio {

Config cfg;

static tailfold::UsageReset reset_of(std::uint16_t p)
{
    switch (p) {
    case PRIORITY_RESET_NOW: return tailfold::UsageReset::kNow;
    case PRIORITY_RESET_DAILY: return tailfold::UsageReset::kDaily;
    case PRIORITY_RESET_WEEKLY: return tailfold::UsageReset::kWeekly;
    case PRIORITY_RESET_MONTHLY: return tailfold::UsageReset::kMonthly;
    case PRIORITY_RESET_QUARTERLY: return tailfold::UsageReset::kQuarterly;
    case PRIORITY_RESET_YEARLY: return tailfold::UsageReset::kYearly;
    default: return tailfold::UsageReset::kNone;
    }
}

bool load_config(bool at_startup)
{
    // PriorityParameters first: a bad value keeps the previous ones (and at
    // start-up is fatal, so slurmctld never runs half-configured).
    const bool params_ok = tf_duration::configure(
        slurm_conf.priority_params, "PriorityParameters",
        at_startup ? tf_duration::OnBad::kFatal : tf_duration::OnBad::kError);
    if (!params_ok && at_startup)
        return false;
    Config c;
    const std::uint32_t f = slurm_conf.priority_flags;
    c.slurm_flags = f;
    auto &s = c.settings;
    s.weights.age = slurm_conf.priority_weight_age;
    s.weights.assoc = slurm_conf.priority_weight_assoc;
    s.weights.fairshare = slurm_conf.priority_weight_fs;
    s.weights.job_size = slurm_conf.priority_weight_js;
    s.weights.partition = slurm_conf.priority_weight_part;
    s.weights.qos = slurm_conf.priority_weight_qos;
    s.max_age_s = slurm_conf.priority_max_age;
    s.favor_small = slurm_conf.priority_favor_small;
    s.flags = 0;
    struct {
        std::uint32_t slurm;
        tailfold::PriorityFlag core;
    } const map[] = {
        {PRIORITY_FLAGS_ACCRUE_ALWAYS, tailfold::kAccrueAlways},
        {PRIORITY_FLAGS_SIZE_RELATIVE, tailfold::kSmallRelativeToTime},
        {PRIORITY_FLAGS_NO_NORMAL_ASSOC, tailfold::kNoNormalAssoc},
        {PRIORITY_FLAGS_NO_NORMAL_PART, tailfold::kNoNormalPart},
        {PRIORITY_FLAGS_NO_NORMAL_QOS, tailfold::kNoNormalQos},
        {PRIORITY_FLAGS_NO_NORMAL_TRES, tailfold::kNoNormalTres},
        {PRIORITY_FLAGS_INCR_ONLY, tailfold::kIncrOnly},
        {PRIORITY_FLAGS_CALCULATE_RUNNING, tailfold::kCalculateRunning},
        {PRIORITY_FLAGS_FAIR_TREE, tailfold::kFairTree},
        {PRIORITY_FLAGS_MAX_TRES, tailfold::kMaxTres},
    };
    for (const auto &m : map)
        if (f & m.slurm)
            s.flags |= m.core;

    if (slurm_conf.priority_weight_tres && in_slurmctld()) {
        double *w = slurm_get_tres_weight_array(slurm_conf.priority_weight_tres,
                                                slurmctld_tres_cnt, true);
        if (w) {
            s.weights.tres.assign(w, w + slurmctld_tres_cnt);
            xfree(w);
        }
    }

    c.decay_per_second = tailfold::decay_per_second(slurm_conf.priority_decay_hl);
    c.reset = reset_of(slurm_conf.priority_reset_period);
    c.calc_period_s = slurm_conf.priority_calc_period ? slurm_conf.priority_calc_period : 300;

    // Without slurmdbd there is no usage and no accrue time to weigh.
    if (in_slurmctld() && !slurm_with_slurmdbd()) {
        if (at_startup && s.weights.age)
            error("priority/tailfold: PriorityWeightAge needs SlurmDBD (AccountingStorageType=accounting_storage/slurmdbd); ignoring it");
        if (at_startup && s.weights.fairshare)
            error("priority/tailfold: PriorityWeightFairshare needs SlurmDBD (AccountingStorageType=accounting_storage/slurmdbd); ignoring it");
        s.weights.age = s.weights.fairshare = 0;
        c.calc_fairshare = false;
    }

    // Never a silent difference from priority/multifactor.
    if (f & PRIORITY_FLAGS_DEPTH_OBLIVIOUS)
        error("priority/tailfold: PriorityFlags=DEPTH_OBLIVIOUS is not supported; "
              "fair share is computed with the classic algorithm instead");
    c.settings.duration = tf_duration::params();
    // Chain credit reads a predecessor's record when its successor becomes
    // eligible, at the latest in the next pass: a record purged sooner
    // (MinJobAge) gives no credit.
    if (c.settings.duration.chain_credit && in_slurmctld()) {
        if (!s.weights.age)
            error("priority/tailfold: chain_credit=on counts in the age factor, but PriorityWeightAge is 0: "
                  "it changes no priority");
        if (slurm_conf.min_job_age < c.calc_period_s)
            error("priority/tailfold: chain_credit=on needs MinJobAge (%u s) of at least PriorityCalcPeriod "
                  "(%u s), or a predecessor's record may be gone before its successor is credited",
                  slurm_conf.min_job_age, c.calc_period_s);
    }
    c.settings.duration_max_s = tf_duration::max_seconds();
    cfg = std::move(c);
    return params_ok;
}

}  // namespace tf_prio
