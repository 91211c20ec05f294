/*
 * tailfold glue: a named worker thread that runs a cycle periodically or on
 * request.  GPL-2.0-or-later.
 *
 * Plugins own their threads (slurmctld gives a sched plugin no thread of its
 * own): init starts the agent, reconfig and event hooks wake it, fini stops
 * and joins it.  Stopping must be prompt, because slurmctld shuts plugins
 * down in sequence and waits for each.  No Slurm header here, so the agent
 * is tested on its own.
 */
#ifndef TAILFOLD_AGENT_H
#define TAILFOLD_AGENT_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tf_agent tf_agent_t;
typedef void (*tf_agent_cycle_fn)(void *arg);

/*
 * Start a thread named `name` (at most 15 characters are kept, the kernel's
 * limit; this is the name /proc shows) that calls cycle(arg) every
 * interval_ms milliseconds and whenever tf_agent_wake() is called.
 * interval_ms == 0 means "only when woken".  64 bits: a period of seconds
 * from slurm.conf times 1000 does not fit 32 (PriorityCalcPeriod above
 * 49.7 days would wrap to a few seconds).  Returns NULL if the thread
 * cannot be created.
 */
tf_agent_t *tf_agent_start(const char *name, unsigned long long interval_ms,
                           tf_agent_cycle_fn cycle, void *arg);

/* Ask for a cycle as soon as the current one (if any) ends.  Wakes made
 * while a cycle runs are merged into one further cycle. */
void tf_agent_wake(tf_agent_t *agent);

/* Change the period; takes effect from the next wait. */
void tf_agent_set_interval(tf_agent_t *agent, unsigned long long interval_ms);

/* Number of cycles completed so far. */
unsigned long tf_agent_cycles(tf_agent_t *agent);

/* Stop the thread after its current cycle, join it and free the agent.
 * NULL is accepted. */
void tf_agent_stop(tf_agent_t *agent);

#ifdef __cplusplus
}
#endif

#endif
