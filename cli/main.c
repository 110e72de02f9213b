/* main.c — the ganprior command: picks the subcommand and runs it. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    { "info", cmd_info, "show a model's size, latent space, blocks, licence and provenance" },
    { "sample", cmd_sample, "render random samples of a model to a PNG" },
    { "reconstruct", cmd_invert, "find the model's closest image to a picture" },
    { "inpaint", cmd_invert, "fill the holes of a picture (white in a mask)" },
    { "colorize", cmd_invert, "colour a gray picture" },
    { "superres", cmd_invert, "enlarge a small picture to the model's size" },
    { "subspaces", cmd_subspaces, "learn a model's channel subspaces (for --method subspace)" },
    { "swap", cmd_swap, "exchange one channel subspace between two pictures" },
    { "faces", cmd_faces, "find the faces in a picture: boxes and landmarks as JSON" },
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void print_usage(FILE *f)
{
    fputs("Usage: ganprior COMMAND [options]\n\n"
          "Inverts a pretrained GAN generator to reconstruct, inpaint, colorize or\n"
          "super-resolve images.\n\nCommands:\n", f);
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun 'ganprior COMMAND --help' for a command's options,\n"
          "'ganprior --version' for the version.\n"
          "Models are looked up in $GANPRIOR_MODEL_PATH, then the user's and the\n"
          "installed data folders; --model also takes a path.\n", f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        print_usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        puts("ganprior " CLI_VERSION);
        return 0;
    }
    for (int i = 0; i < NCOMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "ganprior: unknown command '%s'\nTry 'ganprior --help'.\n", argv[1]);
    return EXIT_USAGE;
}
