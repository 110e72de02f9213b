/* cli.h — what the ganprior command's files share: exit statuses,
 * error reporting, model opening and the subcommands' entry points. */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include "args.h"
#include "ganprior.h"

#include <stddef.h>

/* Exit statuses: 0 success, and these. */
enum {
    EXIT_RUNTIME = 1,     /* a file, the model or the engine failed */
    EXIT_USAGE = 2,       /* the command line is wrong */
    EXIT_CANCELLED = 130, /* interrupted (128 + SIGINT, as shells report it) */
};

/* Prints "ganprior: MESSAGE" on stderr and returns EXIT_RUNTIME, or
 * EXIT_CANCELLED when the error is a cancellation. */
int cli_report(const gp_error *err);

/* The refusal of a picture over GP_PICTURE_MAX_PIXELS, for every reader. */
gp_status cli_picture_too_big(const char *path, int width, int height, gp_error *err);

/* Resolves name (a path, or an installed model's name) with
 * gp_model_find() into path[size] and loads it. */
gp_status cli_open_model(const char *name, char *path, size_t size, gp_model **out,
                         gp_error *err);

/* The --model option every subcommand has; *model holds its default. */
arg_opt cli_model_option(const char **model);

/* interrupt.c: Ctrl-C as cancel.  After cli_catch_sigint() the first
 * Ctrl-C sets the flag cli_interrupted() reads; a second ends the process
 * (EXIT_CANCELLED), removing first the file named by cli_temp_file (NULL:
 * none), the temporary file of a write in progress. */
void cli_catch_sigint(void);
bool cli_interrupted(void);
void cli_temp_file(const char *path);
/* Creates the file named by the template tmp (XXXXXX, then suffix_len
 * characters kept) with the usual mode for a new file, registers it with
 * cli_temp_file and returns its descriptor (-1 and errno on failure). */
int cli_temp_create(char *tmp, int suffix_len);
/* psnr.c: PSNR in dB of values in [0, 1] from count values' summed
 * squared error; NAN when nothing counts, 100 for identical values
 * (JSON cannot hold infinity). */
double cli_psnr_of(double squared_error, size_t count);
/* ... of a against b (same size and channels), over the pixels where
 * hole (if given) is below 0.5. */
double cli_psnr(const gp_image *a, const gp_image *b, const gp_image *hole);
/* cancel.c: a gp_progress_fn drawing the progress bar `bar` (a progress *)
 * that returns false once interrupted. */
bool cli_progress(void *bar, int iteration, int total, float loss);

/* Subcommands: argv[0] is the subcommand's name; each returns the
 * process exit status. */
int cmd_info(int argc, char **argv);
int cmd_sample(int argc, char **argv);
/* reconstruct, inpaint, colorize and superres: the task is argv[0]. */
int cmd_invert(int argc, char **argv);
/* subspaces: learn a model's channel subspaces; swap: exchange one
 * subspace between two pictures. */
int cmd_subspaces(int argc, char **argv);
int cmd_swap(int argc, char **argv);
/* faces: the faces in a picture, boxes and landmarks as JSON. */
int cmd_faces(int argc, char **argv);

#endif
