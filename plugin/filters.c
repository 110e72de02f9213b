/* filters.c — the four filters and their options, independent of GIMP. */
#include "filters.h"

#include <stdio.h>
#include <string.h>

const gpp_filter gpp_filters[] = {
    { "plug-in-ganprior-reconstruct", "_Reconstruct...",
      "Redraw the layer or selection with a GAN's face prior",
      "Finds the generator's image closest to the selected region (or the whole layer) "
      "and adds it as a new layer above the source.",
      "ganprior-reconstruct.svg", "Reconstructed (GAN prior)", GP_TASK_RECONSTRUCT },
    { "plug-in-ganprior-inpaint", "_Inpaint Selection...",
      "Fill the selected damage from a GAN's face prior",
      "Treats the selection as missing, fits the generator to the rest of the layer, and "
      "adds a new layer where only the selected pixels differ from the source, blended in "
      "seamlessly.",
      "ganprior-inpaint.svg", "Inpainted (GAN prior)", GP_TASK_INPAINT },
    { "plug-in-ganprior-colorize", "_Colorize...",
      "Colour a gray portrait from a GAN's face prior",
      "Fits the generator to the region's gray levels and takes its colours; the new layer "
      "keeps the source's lightness exactly (CIE L*).  On a grayscale image the result "
      "opens as a new RGB image.",
      "ganprior-colorize.svg", "Colorized (GAN prior)", GP_TASK_COLORIZE },
    { "plug-in-ganprior-superres", "_Super-Resolve...",
      "Enlarge a small portrait with a GAN's face prior",
      "Enlarges the region (or the whole layer) by the factor into a new image whose "
      "factor x factor block averages reproduce the source.",
      "ganprior-superres.svg", "Super-resolved (GAN prior)", GP_TASK_SUPERRES },
};
const int gpp_filter_count = sizeof gpp_filters / sizeof gpp_filters[0];

const gpp_filter *gpp_filter_find(const char *procedure)
{
    for (int i = 0; i < gpp_filter_count; i++)
        if (!strcmp(gpp_filters[i].procedure, procedure))
            return &gpp_filters[i];
    return NULL;
}

void gpp_options_default(gpp_options *o)
{
    gp_invert_params p;
    gp_invert_params_default(&p, GP_TASK_RECONSTRUCT);
    memset(o, 0, sizeof *o);
    o->method = p.method;
    o->codes = p.composition.codes;
    o->preset = GPP_PRESET_BALANCED;
    o->seed = (int)p.search.seed;
    o->factor = p.superres_factor;
}

void gpp_options_to_params(const gpp_options *o, gp_task task, gp_invert_params *p)
{
    gp_invert_params_default(p, task); /* "balanced" is the engine's default */
    if (o->preset == GPP_PRESET_FAST) {
        p->search.iterations = p->search.iterations / 3;
        p->search.restarts = p->search.restarts / 2;
    } else if (o->preset == GPP_PRESET_BEST) {
        p->search.iterations = p->search.iterations * 8 / 3;
        p->search.restarts = p->search.restarts * 2;
    }
    if (o->iterations > 0)
        p->search.iterations = o->iterations;
    p->method = (gp_method)o->method;
    p->composition.codes = o->codes;
    p->composition.split_block = o->split_block > 0 ? o->split_block : -1;
    p->search.seed = (uint64_t)(unsigned)o->seed;
    p->superres_factor = o->factor;
    p->tune.steps = o->detail;
}

static gp_status open_model(const gpp_options *o, gp_model **m, gp_error *err)
{
    char path[4096];
    const char *name = o->model[0] ? o->model : GP_DEFAULT_MODEL;
    gp_error found;
    gp_status s = gp_model_find(name, path, sizeof path, &found);
    if (s != GP_OK && !o->model[0])
        return gp_fail(err, s,
                       "The default face model (%s) is not installed.  Choose a model file "
                       "in the dialog, or install one (see INSTALL.md).  %s",
                       GP_DEFAULT_MODEL, found.message);
    if (s != GP_OK)
        return gp_fail(err, s, "%s", found.message);
    return s == GP_OK ? gp_model_load(path, m, err) : s;
}

static gp_status open_finder(gp_face_finder **finder, gp_error *err)
{
    gp_error why;
    gp_status s = gp_face_finder_load(NULL, NULL, finder, &why);
    if (s != GP_OK)
        return gp_fail(err, s, "The face finder could not be loaded (%s).  Reinstall ganprior, or "
                       "set Faces to \"the selection as it is\".", why.message);
    return GP_OK;
}

/* Faces "find": each face of the layer (inside the selection), or no
 * face with a message saying what to do. */
static gp_status run_faces(gp_model *m, const gp_invert_params *p, const gpb_input *in,
                           gpb_output *out, gp_error *err)
{
    gp_face_finder *finder = NULL;
    gp_status s = open_finder(&finder, err);
    if (s == GP_OK)
        s = gpb_run_faces(m, finder, p, in, "the layer",
                          "To work on the selection (or the layer) as it is, set Faces to "
                          "\"the selection as it is\".", out, err);
    gp_face_finder_free(finder);
    return s;
}

gp_status gpp_run(const gpp_filter *f, const gpp_options *o, const gpb_input *in,
                  gp_progress_fn progress, void *user, gpb_output *out, gp_error *err)
{
    gp_model *m = NULL;
    gp_invert_params p;
    gpp_options_to_params(o, f->task, &p);
    p.progress = progress;
    p.progress_user = user;
    gp_status s = open_model(o, &m, err);
    if (s == GP_OK && o->faces == GPP_FACES_FIND)
        s = run_faces(m, &p, in, out, err);
    else if (s == GP_OK)
        s = gpb_run(m, &p, in, out, err);
    gp_model_free(m);
    return s;
}

bool gpp_result_in_new_image(const gpp_filter *f, bool gray_image)
{
    return f->task == GP_TASK_SUPERRES || (f->task == GP_TASK_COLORIZE && gray_image);
}

bool gpp_result_is_gray(const gpp_filter *f, bool gray_image)
{
    return gray_image && f->task != GP_TASK_COLORIZE;
}
