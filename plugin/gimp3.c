/* gimp3.c — the GIMP 3.0 front end (GimpPlugIn API, GimpProcedureDialog).
 *
 * PDB, for each filter in filters.c: an image procedure on one layer with
 * the arguments faces (choice "find" | "selection": each face found, or
 * the selection as it is; filters.h, gpp_faces), model (file, none =
 * default model), method (choice
 * "single" | "multicode" | "subspace"), codes, layer, preset (choice "fast" |
 * "balanced" | "best"), iterations, seed, detail (generator tuning
 * steps) and, for super-resolution, factor; it returns new-image and new-layer.  The result is a new layer
 * above the source in one undo group, or a new image (super-resolution,
 * and colorizing a grayscale image).  The source is never written; until
 * the engine has finished nothing in the image changes, so cancelling (the
 * Stop button of progress.c, or GIMP's own Cancel, which ends this process)
 * leaves the image as it was.  The run itself is run.c's; here are the
 * procedures, the dialog and the GIMP 3.0 calls of host.h. */
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "host.h"

typedef struct _Ganprior {
    GimpPlugIn parent_instance;
} Ganprior;
typedef struct _GanpriorClass {
    GimpPlugInClass parent_class;
} GanpriorClass;

static GType ganprior_get_type(void);
G_DEFINE_TYPE(Ganprior, ganprior, GIMP_TYPE_PLUG_IN)

static GList *query_procedures(GimpPlugIn *plug_in);
static GimpProcedure *create_procedure(GimpPlugIn *plug_in, const gchar *name);

static void ganprior_class_init(GanpriorClass *klass)
{
    GimpPlugInClass *plug_in_class = GIMP_PLUG_IN_CLASS(klass);
    plug_in_class->query_procedures = query_procedures;
    plug_in_class->create_procedure = create_procedure;
    plug_in_class->set_i18n = NULL; /* no translations yet */
}

static void ganprior_init(Ganprior *self)
{
    (void)self;
}

GIMP_MAIN(ganprior_get_type())

static GList *query_procedures(GimpPlugIn *plug_in)
{
    (void)plug_in;
    GList *names = NULL;
    for (int i = 0; i < gpp_filter_count; i++)
        names = g_list_append(names, g_strdup(gpp_filters[i].procedure));
    return names;
}

/* ---- procedure definitions -------------------------------------------- */

static GimpValueArray *run(GimpProcedure *procedure, GimpRunMode mode, GimpImage *image,
                           GimpDrawable **drawables, GimpProcedureConfig *config, gpointer data);

static void add_arguments(GimpProcedure *p, const gpp_filter *f)
{
    gpp_options o;
    gpp_options_default(&o);
    gimp_procedure_add_choice_argument(
        p, "faces", "F_aces", GPP_FACES_HELP,
        gimp_choice_new_with_values("find", GPP_FACES_FIND, "Find faces",
                                    "Each face found, aligned to the model and blended back",
                                    "selection", GPP_FACES_SELECTION, "The selection as it is",
                                    "The selection's box (or the layer) as one picture", NULL),
        "find", G_PARAM_READWRITE);
    gimp_procedure_add_file_argument(p, "model", "_Model",
                                     "Model file (.safetensors); none: the default face model",
                                     GIMP_FILE_CHOOSER_ACTION_OPEN, TRUE, NULL, G_PARAM_READWRITE);
    gimp_procedure_add_choice_argument(
        p, "method", "M_ethod", "How latent codes are searched",
        gimp_choice_new_with_values("single", GP_METHOD_SINGLE, "Single code", NULL,
                                    "multicode", GP_METHOD_MULTICODE, "Multi-code (mGANprior)",
                                    NULL, "subspace", GP_METHOD_SUBSPACE,
                                    "Subspaces (PmSFC)",
                                    "Needs the model's subspace file (ganprior subspaces)",
                                    "indomain", GP_METHOD_INDOMAIN, "In-domain (encoder)",
                                    "Needs the model's encoder (MODEL-encoder.safetensors)", NULL),
        "multicode", G_PARAM_READWRITE);
    gimp_procedure_add_int_argument(p, "codes", "_Number of codes", "Multi-code: number of codes", 1, 100,
                                    o.codes, G_PARAM_READWRITE);
    gimp_procedure_add_int_argument(p, "layer", "Compose at la_yer",
                                    "Multi-code: generator block to compose at, 0 = automatic",
                                    0, 64, o.split_block, G_PARAM_READWRITE);
    gimp_procedure_add_choice_argument(
        p, "preset", "_Quality", "Speed or quality: how long the search runs",
        gimp_choice_new_with_values("fast", GPP_PRESET_FAST, "Fast", NULL, "balanced",
                                    GPP_PRESET_BALANCED, "Balanced", NULL, "best",
                                    GPP_PRESET_BEST, "Best", NULL, NULL),
        "balanced", G_PARAM_READWRITE);
    gimp_procedure_add_int_argument(p, "iterations", "_Iterations",
                                    "Optimiser steps, 0 = the preset's", 0, 100000, 0,
                                    G_PARAM_READWRITE);
    gimp_procedure_add_int_argument(p, "seed", "See_d",
                                    "Seed of the random starts (same seed, same result)", 0,
                                    G_MAXINT, o.seed, G_PARAM_READWRITE);
    gimp_procedure_add_int_argument(p, "detail", "De_tail",
                                    "Generator tuning steps after the search, for detail the "
                                    "model lacks (0 = off; 100-300 typical)",
                                    0, 100000, o.detail, G_PARAM_READWRITE);
    if (f->task == GP_TASK_SUPERRES)
        gimp_procedure_add_int_argument(p, "factor", "_Factor",
                                        "Enlargement factor; must divide the model size", 2, 16,
                                        o.factor, G_PARAM_READWRITE);
    gimp_procedure_add_image_return_value(p, "new-image", "New image",
                                          "The image holding the result (the input, or a new one)",
                                          FALSE, G_PARAM_READWRITE);
    gimp_procedure_add_layer_return_value(p, "new-layer", "New layer",
                                          "The layer holding the result", FALSE,
                                          G_PARAM_READWRITE);
}

static GimpProcedure *create_procedure(GimpPlugIn *plug_in, const gchar *name)
{
    const gpp_filter *f = gpp_filter_find(name);
    if (!f)
        return NULL;
    GimpProcedure *p = gimp_image_procedure_new(plug_in, name, GIMP_PDB_PROC_TYPE_PLUGIN, run,
                                                (gpointer)f, NULL);
    gimp_procedure_set_image_types(p, "RGB*, GRAY*");
    gimp_procedure_set_sensitivity_mask(p, GIMP_PROCEDURE_SENSITIVE_DRAWABLE);
    gimp_procedure_set_menu_label(p, f->menu_label);
    gimp_procedure_add_menu_path(p, GPP_MENU_PATH);
    gimp_procedure_set_documentation(p, f->blurb, f->help, name);
    gimp_procedure_set_attribution(p, "ganprior authors", "ganprior authors", "2026");
    gchar *icon = g_build_filename(GPP_ICONDIR, f->icon, NULL);
    if (g_file_test(icon, G_FILE_TEST_EXISTS)) { /* not yet, when run from the build */
        GFile *file = g_file_new_for_path(icon);
        gimp_procedure_set_icon_file(p, file);
        g_object_unref(file);
    }
    g_free(icon);
    add_arguments(p, f);
    return p;
}

/* ---- options ------------------------------------------------------------ */

static void options_from_config(const gpp_filter *f, GimpProcedureConfig *config, gpp_options *o)
{
    GFile *model = NULL;
    gpp_options_default(o);
    g_object_get(config, "model", &model, "codes", &o->codes, "layer", &o->split_block,
                 "iterations", &o->iterations, "seed", &o->seed, "detail", &o->detail, NULL);
    if (f->task == GP_TASK_SUPERRES)
        g_object_get(config, "factor", &o->factor, NULL);
    o->method = gimp_procedure_config_get_choice_id(config, "method");
    o->preset = gimp_procedure_config_get_choice_id(config, "preset");
    o->faces = gimp_procedure_config_get_choice_id(config, "faces");
    gchar *path = model ? g_file_get_path(model) : NULL;
    g_strlcpy(o->model, path ? path : "", sizeof o->model);
    g_free(path);
    if (model)
        g_object_unref(model);
}

static gboolean dialog(GimpProcedure *procedure, GimpProcedureConfig *config,
                       const gpp_filter *f)
{
    GtkWidget *dlg = gimp_procedure_dialog_new(procedure, config, f->blurb);
    gimp_procedure_dialog_fill(GIMP_PROCEDURE_DIALOG(dlg), NULL);
    const gboolean ok = gimp_procedure_dialog_run(GIMP_PROCEDURE_DIALOG(dlg));
    gtk_widget_destroy(dlg);
    return ok;
}

/* ---- the host calls run.c builds on (host.h) ----------------------------- */

struct gpp_host {
    GimpImage *image;
    GimpDrawable *source;
    GimpImage *result_image; /* where the result went */
    GimpLayer *result_layer;
};

bool gpp_host_image_is_indexed(const gpp_host *h)
{
    return gimp_image_get_base_type(h->image) == GIMP_INDEXED;
}

bool gpp_host_image_is_gray(const gpp_host *h)
{
    return gimp_image_get_base_type(h->image) == GIMP_GRAY;
}

bool gpp_host_source_is_layer(const gpp_host *h)
{
    return gimp_item_is_layer(GIMP_ITEM(h->source));
}

GeglBuffer *gpp_host_source_buffer(gpp_host *h) { return gimp_drawable_get_buffer(h->source); }

GeglBuffer *gpp_host_selection_buffer(gpp_host *h)
{
    if (gimp_selection_is_empty(h->image))
        return NULL;
    return gimp_drawable_get_buffer(GIMP_DRAWABLE(gimp_image_get_selection(h->image)));
}

void gpp_host_source_offsets(const gpp_host *h, int *x, int *y)
{
    gimp_drawable_get_offsets(h->source, x, y);
}

void gpp_host_new_image(gpp_host *h, int width, int height, bool gray)
{
    h->result_image = gimp_image_new_with_precision(width, height, gray ? GIMP_GRAY : GIMP_RGB,
                                                    gimp_image_get_precision(h->image));
    gimp_image_undo_disable(h->result_image);
}

void gpp_host_new_image_done(gpp_host *h) { gimp_image_undo_enable(h->result_image); }

void gpp_host_undo_group(gpp_host *h, bool start)
{
    if (start)
        gimp_image_undo_group_start(h->image);
    else
        gimp_image_undo_group_end(h->image);
}

GeglBuffer *gpp_host_new_layer(gpp_host *h, const char *name, int x, int y, int width,
                               int height, bool gray)
{
    h->result_layer = gimp_layer_new(h->result_image, name, width, height,
                                     gray ? GIMP_GRAYA_IMAGE : GIMP_RGBA_IMAGE, 100.0,
                                     GIMP_LAYER_MODE_NORMAL);
    if (h->result_image != h->image) {
        gimp_image_insert_layer(h->result_image, h->result_layer, NULL, 0);
    } else {
        gimp_layer_set_offsets(h->result_layer, x, y);
        gimp_image_insert_layer(h->image, h->result_layer,
                                GIMP_LAYER(gimp_item_get_parent(GIMP_ITEM(h->source))),
                                gimp_image_get_item_position(h->image, GIMP_ITEM(h->source)));
    }
    return gimp_drawable_get_buffer(GIMP_DRAWABLE(h->result_layer));
}

void gpp_host_layer_done(gpp_host *h, int width, int height)
{
    gimp_drawable_update(GIMP_DRAWABLE(h->result_layer), 0, 0, width, height);
}

/* ---- running ------------------------------------------------------------ */

static GimpValueArray *run(GimpProcedure *procedure, GimpRunMode mode, GimpImage *image,
                           GimpDrawable **drawables, GimpProcedureConfig *config, gpointer data)
{
    const gpp_filter *f = data;
    if (mode == GIMP_RUN_INTERACTIVE)
        gimp_ui_init("ganprior"); /* the dialog's, and the Stop window's */
    if (mode == GIMP_RUN_INTERACTIVE && !dialog(procedure, config, f))
        return gimp_procedure_new_return_values(procedure, GIMP_PDB_CANCEL, NULL);
    gpp_options o;
    options_from_config(f, config, &o);
    gp_error err;
    gpp_host h = { .image = image, .result_image = image };
    gp_status s = !drawables || !drawables[0] || drawables[1]
                      ? gp_fail(&err, GP_ERR_ARGUMENT, "Select exactly one layer first.")
                      : GP_OK;
    if (s == GP_OK) {
        h.source = drawables[0];
        /* Only an interactive run may open windows: scripts with the
         * last values also run in gimp-console, which has no display. */
        s = gpp_filter_run(f, &o, &h, mode == GIMP_RUN_INTERACTIVE, &err);
    }
    if (s != GP_OK) {
        if (err.status == GP_ERR_CANCELLED)
            return gimp_procedure_new_return_values(procedure, GIMP_PDB_CANCEL, NULL);
        return gimp_procedure_new_return_values(
            procedure, GIMP_PDB_EXECUTION_ERROR,
            g_error_new_literal(GIMP_PLUG_IN_ERROR, 0, err.message));
    }
    if (mode == GIMP_RUN_INTERACTIVE) {
        if (h.result_image != image)
            gimp_display_new(h.result_image);
        gimp_displays_flush();
    }
    GimpValueArray *values = gimp_procedure_new_return_values(procedure, GIMP_PDB_SUCCESS, NULL);
    GIMP_VALUES_SET_IMAGE(values, 1, h.result_image);
    GIMP_VALUES_SET_LAYER(values, 2, h.result_layer);
    return values;
}
