/* test_parallel.c — the engine's worker pool (core/parallel.h): every
 * part runs exactly once, on distinct threads, ranges tile their items,
 * and two callers at once both get their whole job done. */
#include "core/parallel.h"
#include "check.h"

#include <pthread.h>
#include <string.h>

enum { MAXW = 6, ITEMS = 1000 };

typedef struct seen {
    int calls[MAXW];
    int parts[MAXW];
    pthread_t thread[MAXW];
} seen;

static void record(void *ctx, int part, int parts)
{
    seen *s = ctx;
    s->calls[part]++;
    s->parts[part] = parts;
    s->thread[part] = pthread_self();
}

static void check_ranges(void)
{
    for (int parts = 1; parts <= 7; parts++)
        for (size_t n = 0; n <= 40; n++) {
            size_t next = 0;
            for (int p = 0; p < parts; p++) {
                size_t b, e;
                gp_parallel_range(n, p, parts, &b, &e);
                CHECK(b == next && e >= b, "range %d of %d over %zu: [%zu, %zu) after %zu", p, parts, n, b, e,
                      next);
                next = e;
            }
            CHECK(next == n, "%d parts over %zu end at %zu", parts, n, next);
        }
}

static void check_parts(void)
{
    for (int w = 1; w <= MAXW; w++) {
        seen s;
        memset(&s, 0, sizeof s);
        gp_parallel(w, record, &s);
        for (int p = 0; p < MAXW; p++)
            CHECK(s.calls[p] == (p < w), "width %d: part %d ran %d times", w, p, s.calls[p]);
        for (int p = 0; p < w; p++)
            CHECK(s.parts[p] == w, "width %d: part %d told %d parts", w, p, s.parts[p]);
        CHECK(pthread_equal(s.thread[0], pthread_self()), "width %d: part 0 not on the caller", w);
        for (int p = 1; p < w; p++)
            for (int q = 0; q < p; q++)
                CHECK(!pthread_equal(s.thread[p], s.thread[q]), "width %d: parts %d and %d on one thread", w, p, q);
    }
}

/* Sums the items of its range into its part's slot. */
typedef struct sum {
    const int *items;
    long slot[MAXW];
} sum;

static void add(void *ctx, int part, int parts)
{
    sum *s = ctx;
    size_t b, e;
    gp_parallel_range(ITEMS, part, parts, &b, &e);
    s->slot[part] = 0;
    for (size_t i = b; i < e; i++)
        s->slot[part] += s->items[i];
}

static int items[ITEMS];

/* Many jobs; each must see its whole sum whether it got the pool or
 * ran alone because the other caller had it. */
static void *caller(void *arg)
{
    long *bad = arg;
    for (int j = 0; j < 2000; j++) {
        sum s = { .items = items };
        gp_parallel(1 + j % 4, add, &s);
        long total = 0;
        for (int p = 0; p < MAXW; p++)
            total += s.slot[p];
        if (total != (long)ITEMS * (ITEMS - 1) / 2)
            (*bad)++;
    }
    return NULL;
}

static void check_concurrent_callers(void)
{
    for (int i = 0; i < ITEMS; i++)
        items[i] = i;
    long bad[2] = { 0, 0 };
    pthread_t other;
    CHECK(pthread_create(&other, NULL, caller, &bad[1]) == 0, "second caller not started");
    caller(&bad[0]);
    pthread_join(other, NULL);
    CHECK(bad[0] == 0 && bad[1] == 0, "wrong sums: %ld and %ld of 2000 jobs", bad[0], bad[1]);
}

int main(void)
{
    check_ranges();
    check_parts();
    check_concurrent_callers();
    return CHECK_DONE();
}
