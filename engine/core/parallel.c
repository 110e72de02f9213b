/* parallel.c — a pool of sleeping workers for gp_parallel (parallel.h).
 *
 * One job at a time: a caller that finds the pool busy runs its job
 * alone.  Workers are started on first use, up to the widest job asked
 * for, and live until the process ends. */
#include "core/parallel.h"

#include <pthread.h>
#include <stdint.h>

enum { MAX_WORKERS = 63 };

static pthread_mutex_t busy = PTHREAD_MUTEX_INITIALIZER; /* held for a whole job */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards the fields below */
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER, done = PTHREAD_COND_INITIALIZER;
static int workers;            /* started so far */
static unsigned long job;      /* generation: a new job increments it */
static gp_parallel_fn job_fn;
static void *job_ctx;
static int job_parts, pending; /* parts of the job, workers' parts not yet finished */

static void *worker(void *arg)
{
    const int part = (int)(intptr_t)arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (job == seen)
            pthread_cond_wait(&wake, &lock);
        seen = job;
        if (part >= job_parts)
            continue;
        gp_parallel_fn fn = job_fn;
        void *ctx = job_ctx;
        int parts = job_parts;
        pthread_mutex_unlock(&lock);
        fn(ctx, part, parts);
        pthread_mutex_lock(&lock);
        if (--pending == 0)
            pthread_cond_signal(&done);
    }
    return NULL;
}

/* Workers 1..width-1, as many as can be started; the usable width. */
static int grow(int width)
{
    if (width - 1 > MAX_WORKERS)
        width = MAX_WORKERS + 1;
    while (workers < width - 1) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&t, &attr, worker, (void *)(intptr_t)(workers + 1));
        pthread_attr_destroy(&attr);
        if (failed)
            break;
        workers++;
    }
    return workers + 1 < width ? workers + 1 : width;
}

void gp_parallel(int width, gp_parallel_fn fn, void *ctx)
{
    if (width <= 1 || pthread_mutex_trylock(&busy) != 0) {
        fn(ctx, 0, 1);
        return;
    }
    pthread_mutex_lock(&lock);
    const int parts = grow(width);
    job_fn = fn;
    job_ctx = ctx;
    job_parts = parts;
    pending = parts - 1;
    job++;
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);
    fn(ctx, 0, parts);
    pthread_mutex_lock(&lock);
    while (pending > 0)
        pthread_cond_wait(&done, &lock);
    pthread_mutex_unlock(&lock);
    pthread_mutex_unlock(&busy);
}

void gp_parallel_range(size_t n, int part, int parts, size_t *begin, size_t *end)
{
    *begin = n * (size_t)part / (size_t)parts;
    *end = n * (size_t)(part + 1) / (size_t)parts;
}
