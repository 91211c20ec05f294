/* Glue tests (CMocka): the worker thread the sched plugin owns. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/plugins/common/agent.h"

static atomic_int runs;
static char seen_name[16];

static void count_cycle(void *arg)
{
    (void)arg;
    pthread_getname_np(pthread_self(), seen_name, sizeof(seen_name));
    atomic_fetch_add(&runs, 1);
}

static void slow_cycle(void *arg)
{
    (void)arg;
    usleep(200 * 1000);
    atomic_fetch_add(&runs, 1);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Poll until `runs` reaches n or the deadline passes. */
static int wait_runs(int n, double timeout_s)
{
    const double end = now_s() + timeout_s;
    while (atomic_load(&runs) < n && now_s() < end)
        usleep(1000);
    return atomic_load(&runs);
}

static int reset(void **state)
{
    (void)state;
    atomic_store(&runs, 0);
    memset(seen_name, 0, sizeof(seen_name));
    return 0;
}

static void wake_runs_a_cycle_without_waiting_for_the_interval(void **state)
{
    (void)state;
    tf_agent_t *a = tf_agent_start("tftest", 3600 * 1000, count_cycle, NULL);
    assert_non_null(a);
    usleep(20 * 1000);
    assert_int_equal(atomic_load(&runs), 0); /* nothing before the interval */
    tf_agent_wake(a);
    assert_int_equal(wait_runs(1, 2.0), 1);
    assert_int_equal(tf_agent_cycles(a), 1);
    assert_string_equal(seen_name, "tftest");
    tf_agent_stop(a);
}

/* PriorityCalcPeriod=4294968 s (49.7 days): in 32 bits its milliseconds
 * wrap to 704 ms, and the agent would cycle twice a second. */
static void a_period_of_fifty_days_does_not_wrap(void **state)
{
    (void)state;
    tf_agent_t *a = tf_agent_start("tftest", 4294968ULL * 1000, count_cycle, NULL);
    assert_non_null(a);
    usleep(1500 * 1000);
    assert_int_equal(atomic_load(&runs), 0);
    tf_agent_set_interval(a, 4294968ULL * 1000);
    usleep(800 * 1000);
    assert_int_equal(atomic_load(&runs), 0);
    tf_agent_stop(a);
}

static void interval_repeats(void **state)
{
    (void)state;
    tf_agent_t *a = tf_agent_start("tftest", 10, count_cycle, NULL);
    assert_non_null(a);
    assert_true(wait_runs(5, 5.0) >= 5);
    tf_agent_stop(a);
}

static void zero_interval_means_only_when_woken(void **state)
{
    (void)state;
    tf_agent_t *a = tf_agent_start("tftest", 0, count_cycle, NULL);
    usleep(100 * 1000);
    assert_int_equal(atomic_load(&runs), 0);
    tf_agent_wake(a);
    assert_int_equal(wait_runs(1, 2.0), 1);
    tf_agent_stop(a);
}

static void stop_is_prompt_even_with_a_long_interval(void **state)
{
    (void)state;
    tf_agent_t *a = tf_agent_start("tftest", 3600 * 1000, count_cycle, NULL);
    const double t0 = now_s();
    tf_agent_stop(a);
    assert_true(now_s() - t0 < 1.0);
    assert_int_equal(atomic_load(&runs), 0);
}

static void wakes_during_a_cycle_merge_into_one(void **state)
{
    (void)state;
    tf_agent_t *a = tf_agent_start("tftest", 0, slow_cycle, NULL);
    tf_agent_wake(a);
    usleep(50 * 1000); /* the first cycle is running now */
    for (int i = 0; i < 10; i++)
        tf_agent_wake(a);
    assert_int_equal(wait_runs(2, 3.0), 2);
    usleep(400 * 1000);
    assert_int_equal(atomic_load(&runs), 2);
    tf_agent_stop(a);
}

static void long_names_are_cut_to_the_kernel_limit(void **state)
{
    (void)state;
    tf_agent_t *a = tf_agent_start("a-name-longer-than-fifteen", 0, count_cycle, NULL);
    tf_agent_wake(a);
    assert_int_equal(wait_runs(1, 2.0), 1);
    assert_string_equal(seen_name, "a-name-longer-t");
    tf_agent_stop(a);
}

static void bad_arguments(void **state)
{
    (void)state;
    assert_null(tf_agent_start("x", 10, NULL, NULL));
    tf_agent_stop(NULL); /* accepted */
    tf_agent_wake(NULL);
    assert_int_equal(tf_agent_cycles(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(wake_runs_a_cycle_without_waiting_for_the_interval, reset),
        cmocka_unit_test_setup(interval_repeats, reset),
        cmocka_unit_test_setup(a_period_of_fifty_days_does_not_wrap, reset),
        cmocka_unit_test_setup(zero_interval_means_only_when_woken, reset),
        cmocka_unit_test_setup(stop_is_prompt_even_with_a_long_interval, reset),
        cmocka_unit_test_setup(wakes_during_a_cycle_merge_into_one, reset),
        cmocka_unit_test_setup(long_names_are_cut_to_the_kernel_limit, reset),
        cmocka_unit_test_setup(bad_arguments, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
