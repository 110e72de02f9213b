/* error.h — filling gp_error records (engine-internal). */
#ifndef GP_ERROR_H
#define GP_ERROR_H

#include "ganprior.h"

/* gp_fail() is public (ganprior.h); this clears a record. */
void gp_ok(gp_error *err);

#endif
