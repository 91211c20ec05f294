// tailfold glue: a named worker thread.  GPL-2.0-or-later.
#include "agent.h"

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <new>
#include <algorithm>
#include <string>
#include <thread>

struct tf_agent {
    std::mutex mu;
    std::condition_variable cv;
    bool stop = false;
    bool woken = false;
    unsigned long long interval_ms = 0;
    unsigned long cycles = 0;
    tf_agent_cycle_fn cycle = nullptr;
    void *arg = nullptr;
    std::string name;
    std::thread thread;

    void run()
    {
        // The kernel keeps 15 characters; longer names make the call fail.
        pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
        std::unique_lock<std::mutex> lk(mu);
        for (;;) {
            auto ready = [this] { return stop || woken; };
            // Capped at a century: a longer wait would overflow the clock's
            // nanoseconds inside wait_for.
            constexpr unsigned long long kCentury = 100ULL * 366 * 86400 * 1000;
            if (interval_ms)
                cv.wait_for(lk, std::chrono::milliseconds(std::min(interval_ms, kCentury)), ready);
            else
                cv.wait(lk, ready);
            if (stop)
                return;
            woken = false;
            lk.unlock();
            cycle(arg);
            lk.lock();
            ++cycles;
        }
    }
};

extern "C" tf_agent_t *tf_agent_start(const char *name, unsigned long long interval_ms,
                                      tf_agent_cycle_fn cycle, void *arg)
{
    if (!cycle)
        return nullptr;
    auto *a = new (std::nothrow) tf_agent;
    if (!a)
        return nullptr;
    try {
        a->name = name ? name : "tailfold";
        a->interval_ms = interval_ms;
        a->cycle = cycle;
        a->arg = arg;
        a->thread = std::thread(&tf_agent::run, a);
    } catch (...) {  // std::system_error, std::bad_alloc: report, never throw into C
        delete a;
        return nullptr;
    }
    return a;
}

extern "C" void tf_agent_wake(tf_agent_t *a)
{
    if (!a)
        return;
    {
        std::lock_guard<std::mutex> lk(a->mu);
        a->woken = true;
    }
    a->cv.notify_one();
}

extern "C" void tf_agent_set_interval(tf_agent_t *a, unsigned long long interval_ms)
{
    if (!a)
        return;
    {
        std::lock_guard<std::mutex> lk(a->mu);
        a->interval_ms = interval_ms;
    }
    a->cv.notify_one();
}

extern "C" unsigned long tf_agent_cycles(tf_agent_t *a)
{
    if (!a)
        return 0;
    std::lock_guard<std::mutex> lk(a->mu);
    return a->cycles;
}

extern "C" void tf_agent_stop(tf_agent_t *a)
{
    if (!a)
        return;
    {
        std::lock_guard<std::mutex> lk(a->mu);
        a->stop = true;
    }
    a->cv.notify_one();
    if (a->thread.joinable())
        a->thread.join();
    delete a;
}
