/* submit_jobs: submit many pending batch jobs through Slurm's C API, for
 * the side-by-side scale benchmark (partition "long" of the mini-cluster's
 * cluster file, nodes of 4 CPUs).  GPL-2.0-or-later.
 *
 *   submit_jobs COUNT SEED USER:ACCOUNT[,USER:ACCOUNT...] [WORKDIR]
 *
 * Jobs of mixed sizes (1-16 CPUs, some on 2 nodes) and limits (1 minute
 * to 10 hours), spread over the given users; run as root, so each job can
 * be submitted as its user.  Prints the submit rate on stdout as JSON.
 * Uses SLURM_CONF like every Slurm command. */
#include <errno.h>
#include <slurm/slurm.h>
#include <slurm/slurm_errno.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct who {
    uid_t uid;
    gid_t gid;
    char *account;
};

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: submit_jobs COUNT SEED USER:ACCOUNT[,USER:ACCOUNT...] [WORKDIR]\n");
        return 2;
    }
    char *end;
    const long count = strtol(argv[1], &end, 10);
    if (*end || count <= 0) {
        fprintf(stderr, "submit_jobs: COUNT '%s' is not a positive number\n", argv[1]);
        return 2;
    }
    srand48(strtol(argv[2], NULL, 10));
    struct who users[64];
    int n_users = 0;
    for (char *tok = strtok(argv[3], ","); tok && n_users < 64; tok = strtok(NULL, ",")) {
        char *colon = strchr(tok, ':');
        if (!colon) {
            fprintf(stderr, "submit_jobs: '%s' is not USER:ACCOUNT\n", tok);
            return 2;
        }
        *colon = '\0';
        struct passwd *pw = getpwnam(tok);
        if (!pw) {
            fprintf(stderr, "submit_jobs: no such user '%s'\n", tok);
            return 2;
        }
        users[n_users].uid = pw->pw_uid;
        users[n_users].gid = pw->pw_gid;
        users[n_users].account = colon + 1;
        n_users++;
    }
    const char *workdir = argc > 4 ? argv[4] : "/tmp";
    slurm_init(NULL);

    char *env[] = {"PATH=/usr/bin:/bin", NULL};
    long ok = 0, failed = 0;
    const double t0 = now_s();
    for (long i = 0; i < count; i++) {
        job_desc_msg_t d;
        slurm_init_job_desc_msg(&d);
        const struct who *u = &users[i % n_users];
        d.user_id = u->uid;
        d.group_id = u->gid;
        d.account = u->account;
        d.name = "bench";
        d.partition = "long";  /* the mini-cluster's partition with MaxTime 10 h */
        d.script = "#!/bin/sh\nsleep 30\n";
        d.environment = env;
        d.env_size = 1;
        d.work_dir = (char *)workdir;
        d.std_out = "/dev/null";
        const double r = drand48();
        d.min_cpus = r < 0.6 ? 1 + (uint32_t)(drand48() * 4) : r < 0.9 ? 4 + (uint32_t)(drand48() * 5) : 16;
        d.num_tasks = d.min_cpus;
        if (drand48() < 0.15 && d.min_cpus >= 2 && d.min_cpus <= 8) {
            d.min_nodes = 2;
            d.max_nodes = 2;
        }
        static const uint32_t limits[] = {1, 5, 15, 30, 60, 120, 240, 600};
        d.time_limit = limits[(int)(drand48() * 8)];
        submit_response_msg_t *resp = NULL;
        if (slurm_submit_batch_job(&d, &resp) == SLURM_SUCCESS) {
            ok++;
        } else {
            if (failed++ < 5)
                fprintf(stderr, "submit_jobs: job %ld: %s\n", i, slurm_strerror(errno));
        }
        if (resp)
            slurm_free_submit_response_response_msg(resp);
    }
    const double took = now_s() - t0;
    printf("{\"submitted\": %ld, \"failed\": %ld, \"seconds\": %.2f, \"per_second\": %.0f}\n", ok, failed,
           took, ok / (took > 0 ? took : 1e-9));
    slurm_fini();
    return failed ? 1 : 0;
}
