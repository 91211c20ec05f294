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

#include "src/common/assoc_mgr.h"
#include "src/common/list.h"
#include "src/common/log.h"
#include "src/common/slurm_priority.h"
#include "src/common/slurm_protocol_defs.h"
#include "src/common/xmalloc.h"
#include "src/common/xstring.h"
#include "src/slurmctld/locks.h"
#include "src/slurmctld/slurmctld.h"
}

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
    const job_details *d = job->details;
    return d ? (d->accrue_time ? d->accrue_time : d->submit_time) : 0;
}

// Every symbol slurmctld looks up by name must have C linkage, or C++
// mangles it and the loader rejects the plugin.
#define TF_PLUGIN_API extern "C"
