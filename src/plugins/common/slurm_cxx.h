// tailfold glue: Slurm's internal C headers, for the C++ glue.  GPL-2.0-or-later.
//
// Only plugin glue includes this; src/core never sees a Slurm type.
// The headers are C: wrap them in extern "C".  Do not define
// SLURM_PLUGIN_DEBUG here: its logging macros paste `"..."fmt`, which C++
// reads as a user-defined literal.
#pragma once

extern "C" {
#include "config.h"

#include "slurm/slurm.h"
#include "slurm/slurm_errno.h"
}

// The Slurm release the glue is compiled for; see slurm_compat.h for
// what differs.  Each build loads only into that exact release.
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(24, 11, 0)
#define TF_SLURM_24 1
#elif SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(22, 5, 0) && SLURM_VERSION_NUMBER < SLURM_VERSION_NUM(22, 6, 0)
#define TF_SLURM_24 0
#else
#error "tailfold's glue is written for Slurm 22.05 and 24.11"
#endif

extern "C" {
#if TF_SLURM_24
// src/common/extra_constraints.h (pulled in by slurmctld.h) has a struct
// member named `operator`, which C++ reads as the keyword.  The glue never
// touches that struct; the name is spelt differently while Slurm's
// headers are read, which changes no layout.
#define operator operator_
#include "src/common/state_save.h"
#include "src/interfaces/gres.h"
#include "src/interfaces/mcs.h"
#include "src/interfaces/priority.h"
#include "src/interfaces/site_factor.h"
#include "src/slurmctld/proc_req.h"
#else
#include "src/common/gres.h"
#include "src/common/site_factor.h"
#include "src/common/slurm_mcs.h"
#include "src/common/slurm_priority.h"
#include "src/slurmctld/srun_comm.h"
#endif
#include "src/common/assoc_mgr.h"
#include "src/common/list.h"
#include "src/common/log.h"
#include "src/common/node_conf.h"
#include "src/common/slurm_protocol_defs.h"
#include "src/common/xmalloc.h"
#include "src/common/xstring.h"
#include "src/slurmctld/acct_policy.h"
#include "src/slurmctld/fed_mgr.h"
#include "src/slurmctld/job_scheduler.h"
#include "src/slurmctld/licenses.h"
#include "src/slurmctld/locks.h"
#include "src/slurmctld/node_scheduler.h"
#include "src/slurmctld/reservation.h"
#include "src/slurmctld/slurmctld.h"
#if TF_SLURM_24
#undef operator
#endif
}

#include <type_traits>
#include <vector>

#include "slurm_compat.h"

#include <dlfcn.h>

#include <cstdint>
#include <cstring>
#include <string>

// <StateSaveLocation>/name, or "" when state is not saved (/dev/null).
inline std::string tf_state_file(const char *name)
{
    const char *dir = slurm_conf.state_save_location;
    if (!dir || !*dir || !strcmp(dir, "/dev/null"))
        return {};
    return std::string(dir) + "/" + name;
}

// True inside slurmctld, false in a client that loads the plugin (sshare).
// slurmctld_config is defined by the slurmctld executable only; Slurm's
// running_in_slurmctld() compares argv[0] and so misses Debian's
// slurmctld-wlm when it is started under that name.
inline bool tf_in_slurmctld()
{
    return dlsym(RTLD_DEFAULT, "slurmctld_config") != nullptr;
}

// When a pending job became eligible, for the owner fold's batches and
// bf_starve_age: when it began to accrue age, else (not yet seen by a
// scheduler pass, e.g. just released) when it was submitted; 0 without
// details.
inline std::int64_t tf_eligible_time(const job_record_t *job)
{
    const tf_job_details *d = job->details;
    return d ? (d->accrue_time ? d->accrue_time : d->submit_time) : 0;
}

// Every symbol slurmctld looks up by name must have C linkage, or C++
// mangles it and the loader rejects the plugin.
#define TF_PLUGIN_API extern "C"
