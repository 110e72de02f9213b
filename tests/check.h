/* check.h — the few macros every test executable uses.
 * A failed CHECK prints where and why and marks the executable failed;
 * the test keeps going so one run shows every failure. */
#ifndef GP_CHECK_H
#define GP_CHECK_H

#include <stdio.h>

/* One tally per executable, whichever of its files the checks are in:
 * every file's weak definition is the same variable. */
__attribute__((weak)) int check_failures, check_count;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        check_count++;                                                     \
        if (!(cond)) {                                                     \
            check_failures++;                                              \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);           \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
        }                                                                  \
    } while (0)

/* Ends main(): prints the tally and returns the exit status. */
#define CHECK_DONE()                                                       \
    (printf("%d checks, %d failed\n", check_count, check_failures),        \
     check_failures ? 1 : 0)

#endif
