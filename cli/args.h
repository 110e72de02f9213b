/* args.h — a strict, table-driven option parser for the subcommands.
 *
 * Each subcommand declares its options once, in an array of arg_opt;
 * the same table drives parsing, range checks and the --help text, so
 * the two never disagree.  Accepted forms: `--name VALUE`,
 * `--name=VALUE`, `-x VALUE`, and a flag alone (`--name`).  Anything else
 * (an unknown option, a missing value, a number that does not parse
 * or is out of range, a positional argument, a missing required
 * option) is a usage error: one line naming the problem, then a hint
 * to run --help, both on stderr.
 */
#ifndef CLI_ARGS_H
#define CLI_ARGS_H

#include <stdbool.h>

typedef enum arg_kind {
    ARG_STRING, /* value: const char ** */
    ARG_INT,    /* value: int *, range [min, max] */
    ARG_FLOAT,  /* value: float *, range [min, max] */
    ARG_U64,    /* value: uint64_t *, any non-negative integer */
    ARG_CHOICE, /* value: int *, one of choices[].name */
    ARG_FLAG,   /* value: bool *, set to true; takes no value */
} arg_kind;

/* One accepted word of an ARG_CHOICE option; arrays end with name NULL. */
typedef struct arg_choice {
    const char *name;
    int value;
} arg_choice;

typedef struct arg_opt {
    const char *name;   /* long name without the dashes */
    char short_name;    /* single-letter alias, or 0 */
    arg_kind kind;
    void *value;        /* holds the default on entry, as the kind says */
    double min, max;    /* ARG_INT / ARG_FLOAT bounds, inclusive */
    const arg_choice *choices;
    bool required;
    const char *metavar;
    const char *help;
    const char *default_text; /* shown as the default instead of *value */
} arg_opt;

typedef struct arg_command {
    const char *name;     /* "inpaint": messages say "ganprior inpaint" */
    const char *synopsis; /* what follows the name in the usage line */
    const char *summary;  /* one paragraph for --help */
    const arg_opt *opts;
    int nopts;            /* at most 32 */
} arg_command;

/* The values of HELP and USAGE are the exit statuses the command ends
 * with, so callers write `if (r != ARGS_OK) return r;`. */
typedef enum arg_result {
    ARGS_OK = -1,
    ARGS_HELP = 0,  /* --help was printed on stdout */
    ARGS_USAGE = 2, /* a usage error was printed on stderr */
} arg_result;

/* Parses argv[1..argc-1] (argv[0] is the subcommand) into the options'
 * value pointers. */
arg_result args_parse(const arg_command *cmd, int argc, char **argv);

/* Prints a usage error for cmd ("ganprior NAME: MESSAGE" and the --help
 * hint) on stderr and returns 2, the usage exit status.  For checks the
 * table cannot express, such as a value that depends on the model. */
int args_usage_error(const arg_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
