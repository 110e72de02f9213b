/* filters.h — what the GIMP 3.0 and 2.10 front ends share: the four
 * filters, their options, and running one through the bridge.  Nothing
 * here calls GIMP, so both front ends (gimp3.c, gimp2.c) stay thin. */
#ifndef GANPRIOR_PLUGIN_FILTERS_H
#define GANPRIOR_PLUGIN_FILTERS_H

#include "bridge.h"

#include <gegl.h>

typedef struct gpp_filter {
    const char *procedure;  /* PDB name */
    const char *menu_label; /* with its mnemonic */
    const char *blurb;      /* one line */
    const char *help;       /* what it does with the selection, and where the result goes */
    const char *icon;       /* icon file name in the installed icons dir */
    const char *result_name; /* the new layer's name */
    gp_task task;
} gpp_filter;

extern const gpp_filter gpp_filters[];
extern const int gpp_filter_count;
const gpp_filter *gpp_filter_find(const char *procedure);

#define GPP_MENU_PATH "<Image>/Filters/Enhance/GAN Prior"

/* Where a filter works: on each face found in the layer (in the
 * selection), aligned to the model's frame and blended back
 * (gpb_run_faces), or on the selection's box (the layer) as it is
 * (gpb_run).  Inpainting with faces restores the faces the selection
 * touches, filling only the selected pixels on them. */
typedef enum gpp_faces { GPP_FACES_FIND, GPP_FACES_SELECTION } gpp_faces;
/* The option's help, for both dialogs. */
#define GPP_FACES_HELP                                                                      \
    "Find faces: each face in the layer (with a selection: each face whose middle is "      \
    "selected; inpainting: each face the selection touches) is aligned to the model, "      \
    "restored and blended back.  The selection as it is: the selection's box (or the "      \
    "layer) goes to the model as one picture."

/* Speed / quality presets: how long the search runs. */
typedef enum gpp_preset { GPP_PRESET_FAST, GPP_PRESET_BALANCED, GPP_PRESET_BEST } gpp_preset;

/* The options of every filter, as the dialog and the PDB see them.
 * Plain data (no pointers) so GIMP 2.10 can store the last-used values. */
typedef struct gpp_options {
    char model[1024];  /* a model file, or "" for the default model */
    int method;        /* a gp_method */
    int codes;         /* multi-code: number of codes */
    int split_block;   /* multi-code: the split block (PDB and dialog: "layer");
                          0 = chosen for the model */
    int preset;        /* a gpp_preset */
    int iterations;    /* 0 = the preset's */
    int seed;
    int factor;        /* super-resolution */
    int detail;        /* generator tuning steps after the search; 0 = off */
    int faces;         /* a gpp_faces; last, so that the last values GIMP
                          2.10 stored before it existed read as "find" */
} gpp_options;

void gpp_options_default(gpp_options *o);
/* The engine settings these options mean for task. */
void gpp_options_to_params(const gpp_options *o, gp_task task, gp_invert_params *p);

/* Loads the model o names (and with o->faces "find", the face finder),
 * runs the filter on in through the bridge (gpb_run_faces or gpb_run),
 * calls progress as the engine does (return false to cancel).  err's
 * message is written for a GIMP user; no face found says so and how to
 * go on. */
gp_status gpp_run(const gpp_filter *f, const gpp_options *o, const gpb_input *in,
                  gp_progress_fn progress, void *user, gpb_output *out, gp_error *err);

/* Where a filter's result goes on an image of this kind: a new image
 * (super-resolution: another size; colorizing a gray image: colours it
 * cannot hold) or a new layer above the source; and whether that new
 * image is gray. */
bool gpp_result_in_new_image(const gpp_filter *f, bool gray_image);
bool gpp_result_is_gray(const gpp_filter *f, bool gray_image);

#endif
