// priority/tailfold glue: what the plugin's files share.  GPL-2.0-or-later.
//
// The plugin is split by what each part touches in slurmctld:
//   config.cc      slurm.conf -> core settings
//   job_factors.cc job records -> core factors -> job->priority, prio_factors
//   usage.cc       running jobs -> association and QoS usage; decay; reset
//   fair_share.cc  association tree -> Fair Tree / classic -> assoc usage;
//                  a job's fair-share factor
//   owner_fold.cc  duration_scope=owner: each owner's jobs folded
//   chains.cc      chain_credit=on: dependencies -> chain credit -> age
//   decay_pass.cc  the periodic pass (thread "tfdecay") and its state file
//   state_file.cc  reading and writing the plugin's files in StateSaveLocation
//   sprio.cc       the sprio RPC
// priority_tailfold.cc holds the plugin symbols and nothing else.
#pragma once

#include "src/plugins/common/duration_boost.h"

#include "src/plugins/common/slurm_cxx.h"


#include <cstdint>
#include <string>
#include <ctime>
#include <vector>

#include "src/core/job_priority.h"
#include "src/core/priority_settings.h"
#include "src/core/usage_decay.h"

namespace tf_prio {

// Settings read from slurm.conf.  Replaced only under slurmctld's job write
// lock, which every reader holds (priority_p_set, the pass, sprio reads
// copies made under it).
struct Config {
    tailfold::PrioritySettings settings;
    std::uint32_t slurm_flags = 0;     // PriorityFlags as Slurm has them
    bool calc_fairshare = true;        // false without slurmdbd
    double decay_per_second = 1.0;     // from PriorityDecayHalfLife
    tailfold::UsageReset reset = tailfold::UsageReset::kNone;
    std::uint32_t calc_period_s = 300; // PriorityCalcPeriod
};

extern Config cfg;

// config.cc: fill cfg from slurm_conf; logs each unsupported setting once.
// Returns false if PriorityParameters is bad (the previous duration
// settings are kept).
bool load_config(bool at_startup);

// job_factors.cc: recompute a job's priority (and priority_array and
// prio_factors) at `now`.  The caller holds the job write lock and, if
// assoc_locked, an assoc_mgr read (or write) lock on assoc and qos.
// `use`: kFresh when slurmctld asks (a new or updated job), kMemo in the
// periodic pass (see tf_duration::expected_runtime).
// With `boost_out`, the priority returned is without the duration boost,
// which goes to *boost_out (duration_scope=owner folds it afterwards).
std::uint32_t job_priority(job_record_t *job, time_t now, bool assoc_locked,
                           tf_duration::Lookup use = tf_duration::Lookup::kMemo,
                           std::int64_t *boost_out = nullptr);
// Recalculation of one job in a pass: skips held, non-pending (unless
// CALCULATE_RUNNING) and power-up jobs, honours INCR_ONLY.
void recalc_job(job_record_t *job, time_t now);
// Per TRES: the allocated count, else the requested one.
void job_tres_counts(const job_record_t *job, std::vector<double> &out);

// state_file.cc: the plugin's files in StateSaveLocation.  read: a file
// up to max_bytes, whole; on kBad `why` says what is wrong ("cannot be
// read: ...").  keep_state_aside: renames a bad file to PATH.damaged.TIME
// and says where it went.  write: atomically, the old one kept as .old;
// false (and an error line) if it cannot.
enum class StateRead { kRead, kMissing, kBad };
StateRead read_state_file(const std::string &path, std::size_t max_bytes, std::string &bytes, std::string &why);
std::string keep_state_aside(const std::string &path);
bool write_state_file(const std::string &path, const std::string &bytes);

// chains.cc (chain_credit=on; each a no-op when it is off), under the job
// write lock: note a job's dependencies or, once it is eligible, fix its
// chain credit; the credit its age counts; after a pass, forget what is
// gone and return the book as text for chain_save (outside the lock).
void chain_look(job_record_t *job, time_t now);
// In the pass, for every job before any chain_look (`first` for the first
// job): what chain_look may not walk job_list for (whole arrays' ended
// tasks, singletons' running jobs).
void chain_pass_begin(job_record_t *job, bool first);
std::int64_t chain_credit_of(const job_record_t *job);
std::string chain_pass_end();
void chain_save(const std::string &text);

// usage.cc.  All need the job lock held and take assoc_mgr locks unless
// told they are held.
// Charge a job's usage for [from, to]; `final` at the job's end.  Returns
// false if the job was already charged to its end.
bool charge_job(job_record_t *job, time_t from, time_t to, bool final);
void decay_usage(double factor);   // takes assoc W + qos W
void reset_usage();                // takes assoc W + qos W
// Remove from grp_used_tres_run_secs what running jobs used up to
// `last_ran` (slurmctld re-adds their full limits at start-up and at
// reconfigure).  Takes the job read lock itself.
void release_run_secs_until(time_t last_ran);

// fair_share.cc.  Caller holds assoc W.
void fair_tree_pass();
void classic_account_pass();
void classic_assoc_usage(slurmdb_assoc_rec_t *assoc);  // also for sshare (assoc R held)
// These two need only the assoc read lock: the association's fair-share
// factor as the job's priority uses it; classic fair share with
// slurm.conf's FairShareDampeningFactor (also for sshare).
double job_fairshare(const job_record_t *job);
double classic_factor(long double usage_efctv, long double shares_norm);
// Every association's normalised shares again, for the algorithm now in
// PriorityFlags (Fair Tree and classic normalise differently; the
// association manager does it only when associations change).  Takes
// assoc W; caller holds no assoc lock.
void renormalise_shares();

// owner_fold.cc: duration_scope=owner.  Job write lock held throughout.
bool owner_scope();  // the fold is on (duration_weight > 0, scope owner)
// The periodic pass: begin, add every job recalculated (false: the job
// is in no owner's group and keeps `base`), end folds and writes.
void fold_pass_begin();
bool fold_pass_add(job_record_t *job, std::uint32_t base, std::int64_t boost);
void fold_pass_end();
// slurmctld asks for one job's priority: its folded priority, the owner's
// other jobs moved as the fold says.
std::uint32_t fold_on_set(job_record_t *job, std::uint32_t base, std::int64_t boost);

// sprio.cc
tf_list factors_list(tf_factors_request *req, uid_t uid);

// decay_pass.cc
bool start_decay_thread();
void stop_decay_thread();
time_t last_ran();  // the end of the last charged period (0: none yet)
void request_reconfig();  // re-read decay and reset settings at the next pass

// True inside slurmctld (false in sshare, which loads the plugin too).
inline bool in_slurmctld() { return tf_in_slurmctld(); }

}  // namespace tf_prio
