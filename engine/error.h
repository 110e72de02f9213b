/* error.h — filling gp_error records (engine-internal). */
#ifndef GP_ERROR_H
#define GP_ERROR_H

#include "ganprior.h"

/* Sets err (if non-NULL) to status and a printf-style message; returns
 * status so callers can write `return gp_fail(err, ...)`. */
gp_status gp_fail(gp_error *err, gp_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void gp_ok(gp_error *err);

#endif
