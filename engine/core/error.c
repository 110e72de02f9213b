/* error.c — status strings and error messages. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>

const char *gp_status_string(gp_status s)
{
    switch (s) {
    case GP_OK: return "ok";
    case GP_ERR_IO: return "input/output error";
    case GP_ERR_FORMAT: return "malformed file";
    case GP_ERR_ARGUMENT: return "invalid argument";
    case GP_ERR_MEMORY: return "out of memory";
    case GP_ERR_CANCELLED: return "cancelled";
    case GP_ERR_UNSUPPORTED: return "unsupported";
    }
    return "unknown status";
}

gp_status gp_fail(gp_error *err, gp_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->status = status;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return status;
}

void gp_ok(gp_error *err)
{
    if (err) {
        err->status = GP_OK;
        err->message[0] = '\0';
    }
}
