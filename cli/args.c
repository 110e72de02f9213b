/* args.c — the table-driven option parser (see args.h). */
#include "args.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int args_usage_error(const arg_command *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ganprior %s: ", cmd->name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'ganprior %s --help'.\n", cmd->name);
    va_end(ap);
    return ARGS_USAGE;
}

/* "single|multicode": the accepted words, for help and messages. */
static const char *choice_list(const arg_choice *c)
{
    static char buf[256];
    buf[0] = '\0';
    for (; c->name; c++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", buf[0] ? "|" : "", c->name);
    return buf;
}

static const char *metavar(const arg_opt *o)
{
    if (o->kind == ARG_FLAG)
        return "";
    return o->kind == ARG_CHOICE ? choice_list(o->choices) : o->metavar;
}

static bool parse_int(const arg_command *cmd, const arg_opt *o, const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < o->min || v > o->max) {
        args_usage_error(cmd, "invalid value '%s' for --%s: expected a whole number from %.0f to %.0f",
                         s, o->name, o->min, o->max);
        return false;
    }
    *(int *)o->value = (int)v;
    return true;
}

static bool parse_float(const arg_command *cmd, const arg_opt *o, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v) || v < o->min || v > o->max) {
        args_usage_error(cmd, "invalid value '%s' for --%s: expected a number from %g to %g",
                         s, o->name, o->min, o->max);
        return false;
    }
    *(float *)o->value = (float)v;
    return true;
}

static bool parse_u64(const arg_command *cmd, const arg_opt *o, const char *s)
{
    char *end = NULL;
    errno = 0;
    /* strtoull would take "-1" and wrap it: only digits may start. */
    unsigned long long v = isdigit((unsigned char)s[0]) ? strtoull(s, &end, 10) : 0;
    if (!end || *end || errno) {
        args_usage_error(cmd, "invalid value '%s' for --%s: expected a non-negative whole number",
                         s, o->name);
        return false;
    }
    *(uint64_t *)o->value = (uint64_t)v;
    return true;
}

static bool parse_choice(const arg_command *cmd, const arg_opt *o, const char *s)
{
    for (const arg_choice *c = o->choices; c->name; c++)
        if (!strcmp(c->name, s)) {
            *(int *)o->value = c->value;
            return true;
        }
    args_usage_error(cmd, "invalid value '%s' for --%s: expected one of %s", s, o->name,
                     choice_list(o->choices));
    return false;
}

static bool set_value(const arg_command *cmd, const arg_opt *o, const char *s)
{
    switch (o->kind) {
    case ARG_STRING:
        if (!*s) {
            args_usage_error(cmd, "empty value for --%s", o->name);
            return false;
        }
        *(const char **)o->value = s;
        return true;
    case ARG_INT: return parse_int(cmd, o, s);
    case ARG_FLOAT: return parse_float(cmd, o, s);
    case ARG_U64: return parse_u64(cmd, o, s);
    case ARG_CHOICE: return parse_choice(cmd, o, s);
    case ARG_FLAG: break; /* args_parse sets flags; they take no value */
    }
    return false;
}

/* " (default: 20)", " (required)" or "" into buf. */
static void default_text(const arg_opt *o, char *buf, size_t size)
{
    buf[0] = '\0';
    if (o->required || o->default_text) {
        snprintf(buf, size, " (%s)", o->required ? "required" : o->default_text);
        return;
    }
    switch (o->kind) {
    case ARG_STRING:
        if (*(const char **)o->value)
            snprintf(buf, size, " (default: %s)", *(const char **)o->value);
        break;
    case ARG_INT: snprintf(buf, size, " (default: %d)", *(int *)o->value); break;
    case ARG_FLOAT: snprintf(buf, size, " (default: %g)", *(float *)o->value); break;
    case ARG_U64: snprintf(buf, size, " (default: %" PRIu64 ")", *(uint64_t *)o->value); break;
    case ARG_CHOICE:
        for (const arg_choice *c = o->choices; c->name; c++)
            if (c->value == *(int *)o->value)
                snprintf(buf, size, " (default: %s)", c->name);
        break;
    case ARG_FLAG: break;
    }
}

/* Help lines: "  LEFT  TEXT", TEXT word-wrapped in its column. */
enum { HELP_LEFT = 24, HELP_WIDTH = 79 };

static void print_wrapped(const char *left, const char *text)
{
    printf("  %-*s", HELP_LEFT, left);
    int col = 2 + (int)strlen(left) > 2 + HELP_LEFT ? HELP_WIDTH : 2 + HELP_LEFT;
    while (*text) {
        int word = (int)strcspn(text, " ");
        if (col + 1 + word > HELP_WIDTH) {
            printf("\n%*s", 2 + HELP_LEFT, "");
            col = 2 + HELP_LEFT;
        }
        printf(" %.*s", word, text);
        col += 1 + word;
        text += word + strspn(text + word, " ");
    }
    putchar('\n');
}

static void print_help(const arg_command *cmd)
{
    printf("Usage: ganprior %s %s\n\n%s\n\nOptions:\n", cmd->name, cmd->synopsis, cmd->summary);
    for (int i = 0; i < cmd->nopts; i++) {
        const arg_opt *o = &cmd->opts[i];
        char left[96], def[96], text[320];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s %s", o->short_name, o->name, metavar(o));
        else
            snprintf(left, sizeof left, "    --%s %s", o->name, metavar(o));
        default_text(o, def, sizeof def);
        snprintf(text, sizeof text, "%s%s", o->help, def);
        print_wrapped(left, text);
    }
    print_wrapped("-h, --help", "show this help and exit");
}

/* The option that `arg` names, or NULL; *inline_value gets the text
 * after '=' in "--name=value". */
static const arg_opt *find_opt(const arg_command *cmd, const char *arg, const char **inline_value)
{
    *inline_value = NULL;
    for (int i = 0; i < cmd->nopts; i++) {
        const arg_opt *o = &cmd->opts[i];
        if (arg[1] != '-') {
            if (o->short_name && arg[1] == o->short_name && !arg[2])
                return o;
            continue;
        }
        size_t n = strlen(o->name);
        if (!strncmp(arg + 2, o->name, n) && (arg[2 + n] == '\0' || arg[2 + n] == '=')) {
            if (arg[2 + n] == '=')
                *inline_value = arg + 3 + n;
            return o;
        }
    }
    return NULL;
}

static bool check_required(const arg_command *cmd, const bool *seen)
{
    for (int i = 0; i < cmd->nopts; i++)
        if (cmd->opts[i].required && !seen[i]) {
            args_usage_error(cmd, "missing required option --%s", cmd->opts[i].name);
            return false;
        }
    return true;
}

/* The value of option o at argv[*i], moving *i past it; NULL after a
 * usage error.  A following word that is itself one of the options
 * means the value was forgotten, not that it starts with a dash. */
static const char *take_value(const arg_command *cmd, const arg_opt *o, int argc, char **argv,
                              int *i)
{
    const char *ignored;
    if (*i + 1 >= argc || (argv[*i + 1][0] == '-' && find_opt(cmd, argv[*i + 1], &ignored))) {
        args_usage_error(cmd, "option %s needs a value (%s)", argv[*i], metavar(o));
        return NULL;
    }
    return argv[++*i];
}

/* seen[] below has one slot per option of a command. */
enum { MAX_OPTS = 32 };

arg_result args_parse(const arg_command *cmd, int argc, char **argv)
{
    assert(cmd->nopts <= MAX_OPTS);
    /* Asking for help is never an error, whatever else the line holds. */
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            print_help(cmd);
            return ARGS_HELP;
        }
    bool seen[MAX_OPTS] = { false };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *value;
        if (a[0] != '-' || !a[1]) {
            args_usage_error(cmd, "unexpected argument '%s'", a);
            return ARGS_USAGE;
        }
        const arg_opt *o = find_opt(cmd, a, &value);
        if (!o) {
            args_usage_error(cmd, "unknown option '%s'", a);
            return ARGS_USAGE;
        }
        if (o->kind == ARG_FLAG && value) {
            args_usage_error(cmd, "option --%s takes no value", o->name);
            return ARGS_USAGE;
        }
        if (o->kind == ARG_FLAG)
            *(bool *)o->value = true;
        else if ((!value && !(value = take_value(cmd, o, argc, argv, &i))) || !set_value(cmd, o, value))
            return ARGS_USAGE;
        seen[o - cmd->opts] = true;
    }
    return check_required(cmd, seen) ? ARGS_OK : ARGS_USAGE;
}
