/* gegl_start.h — GEGL, started once per CLI process (gegl_start.c). */
#ifndef CLI_GEGL_START_H
#define CLI_GEGL_START_H

void cli_gegl_start(void);

#endif
