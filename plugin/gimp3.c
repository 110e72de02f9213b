/* gimp3.c — the GIMP 3.0 front end (GimpPlugIn API, GimpProcedureDialog).
 *
 * PDB, for each filter in filters.c: an image procedure on one layer with
 * the arguments model (file, none = default model), method (choice
 * "single" | "multicode" | "subspace"), codes, layer, preset (choice "fast" |
 * "balanced" | "best"), iterations, seed, detail (generator tuning
 * steps) and, for super-resolution, factor; it returns new-image and new-layer.  The result is a new layer
 * above the source in one undo group, or a new image (super-resolution,
 * and colorizing a grayscale image).  The source is never written; until
 * the engine has finished nothing in the image changes, so cancelling the
 * progress (which ends this process) leaves the image as it was. */
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "filters.h"

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
    gimp_procedure_add_file_argument(p, "model", "_Model",
                                     "Model file (.safetensors); none: the default face model",
                                     GIMP_FILE_CHOOSER_ACTION_OPEN, TRUE, NULL, G_PARAM_READWRITE);
    gimp_procedure_add_choice_argument(
        p, "method", "M_ethod", "How latent codes are searched",
        gimp_choice_new_with_values("single", GP_METHOD_SINGLE, "Single code", NULL,
                                    "multicode", GP_METHOD_MULTICODE, "Multi-code (mGANprior)",
                                    NULL, "subspace", GP_METHOD_SUBSPACE,
                                    "Subspaces (PmSFC)",
                                    "Needs the model's subspace file (ganprior subspaces)", NULL),
        "multicode", G_PARAM_READWRITE);
    gimp_procedure_add_int_argument(p, "codes", "C_odes", "Multi-code: number of codes", 1, 100,
                                    o.codes, G_PARAM_READWRITE);
    gimp_procedure_add_int_argument(p, "layer", "Compose at la_yer",
                                    "Multi-code: generator block to compose at, 0 = automatic",
                                    0, 64, o.layer, G_PARAM_READWRITE);
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
    g_object_get(config, "model", &model, "codes", &o->codes, "layer", &o->layer, "iterations",
                 &o->iterations, "seed", &o->seed, "detail", &o->detail, NULL);
    if (f->task == GP_TASK_SUPERRES)
        g_object_get(config, "factor", &o->factor, NULL);
    o->method = gimp_procedure_config_get_choice_id(config, "method");
    o->preset = gimp_procedure_config_get_choice_id(config, "preset");
    gchar *path = model ? g_file_get_path(model) : NULL;
    g_strlcpy(o->model, path ? path : "", sizeof o->model);
    g_free(path);
    if (model)
        g_object_unref(model);
}

static gboolean dialog(GimpProcedure *procedure, GimpProcedureConfig *config,
                       const gpp_filter *f)
{
    gimp_ui_init("ganprior");
    GtkWidget *dlg = gimp_procedure_dialog_new(procedure, config, f->blurb);
    gimp_procedure_dialog_fill(GIMP_PROCEDURE_DIALOG(dlg), NULL);
    const gboolean ok = gimp_procedure_dialog_run(GIMP_PROCEDURE_DIALOG(dlg));
    gtk_widget_destroy(dlg);
    return ok;
}

/* ---- running ------------------------------------------------------------ */

/* Where the result goes: a new layer above the source, or a new image. */
static GimpLayer *place_result(GimpImage *image, GimpDrawable *drawable, const gpp_filter *f,
                               GeglBuffer *result, GimpImage **new_image)
{
    const GeglRectangle *r = gegl_buffer_get_extent(result);
    const gboolean gray = gimp_image_get_base_type(image) == GIMP_GRAY;
    const gboolean own_image = gpp_result_in_new_image(f, gray);
    GimpImage *target = image;
    if (own_image) {
        target = gimp_image_new_with_precision(
            r->width, r->height, gpp_result_is_gray(f, gray) ? GIMP_GRAY : GIMP_RGB,
            gimp_image_get_precision(image));
        gimp_image_undo_disable(target);
    } else {
        gimp_image_undo_group_start(image);
    }
    const gboolean gray_layer = gimp_image_get_base_type(target) == GIMP_GRAY;
    GimpLayer *layer = gimp_layer_new(target, f->result_name, r->width, r->height,
                                      gray_layer ? GIMP_GRAYA_IMAGE : GIMP_RGBA_IMAGE, 100.0,
                                      GIMP_LAYER_MODE_NORMAL);
    if (own_image) {
        gimp_image_insert_layer(target, layer, NULL, 0);
    } else {
        gint ox, oy;
        gimp_drawable_get_offsets(drawable, &ox, &oy);
        gimp_layer_set_offsets(layer, ox + r->x, oy + r->y);
        gimp_image_insert_layer(image, layer, GIMP_LAYER(gimp_item_get_parent(GIMP_ITEM(drawable))),
                                gimp_image_get_item_position(image, GIMP_ITEM(drawable)));
    }
    GeglBuffer *dst = gimp_drawable_get_buffer(GIMP_DRAWABLE(layer));
    gegl_buffer_copy(result, r, GEGL_ABYSS_NONE, dst, GEGL_RECTANGLE(0, 0, r->width, r->height));
    gegl_buffer_flush(dst);
    g_object_unref(dst);
    gimp_drawable_update(GIMP_DRAWABLE(layer), 0, 0, r->width, r->height);
    if (own_image)
        gimp_image_undo_enable(target);
    else
        gimp_image_undo_group_end(image);
    *new_image = target;
    return layer;
}

static gp_status filter(const gpp_filter *f, const gpp_options *o, GimpImage *image,
                        GimpDrawable **drawables, gpb_output *out, gp_error *err)
{
    if (!drawables || !drawables[0] || drawables[1])
        return gp_fail(err, GP_ERR_ARGUMENT, "Select exactly one layer first.");
    GimpDrawable *drawable = drawables[0];
    if (gimp_image_get_base_type(image) == GIMP_INDEXED)
        return gp_fail(err, GP_ERR_UNSUPPORTED,
                       "Indexed images are not supported: convert the image with "
                       "Image > Mode > RGB first.");
    if (!gimp_item_is_layer(GIMP_ITEM(drawable)))
        return gp_fail(err, GP_ERR_ARGUMENT, "Select a layer (not a channel or a mask) first.");
    gegl_init(NULL, NULL); /* loads GEGL's operations, which the bridge uses */
    gpb_input in = { .layer = gimp_drawable_get_buffer(drawable) };
    if (!gimp_selection_is_empty(image))
        in.selection = gimp_drawable_get_buffer(GIMP_DRAWABLE(gimp_image_get_selection(image)));
    gimp_drawable_get_offsets(drawable, &in.offset_x, &in.offset_y);
    return gpp_run_with_progress(f, o, &in, out, err);
}

static GimpValueArray *run(GimpProcedure *procedure, GimpRunMode mode, GimpImage *image,
                           GimpDrawable **drawables, GimpProcedureConfig *config, gpointer data)
{
    const gpp_filter *f = data;
    if (mode == GIMP_RUN_INTERACTIVE && !dialog(procedure, config, f))
        return gimp_procedure_new_return_values(procedure, GIMP_PDB_CANCEL, NULL);
    gpp_options o;
    options_from_config(f, config, &o);
    gpb_output out;
    gp_error err;
    if (filter(f, &o, image, drawables, &out, &err) != GP_OK) {
        if (err.status == GP_ERR_CANCELLED)
            return gimp_procedure_new_return_values(procedure, GIMP_PDB_CANCEL, NULL);
        return gimp_procedure_new_return_values(
            procedure, GIMP_PDB_EXECUTION_ERROR,
            g_error_new_literal(GIMP_PLUG_IN_ERROR, 0, err.message));
    }
    GimpImage *new_image;
    GimpLayer *layer = place_result(image, drawables[0], f, out.buffer, &new_image);
    g_object_unref(out.buffer);
    if (mode == GIMP_RUN_INTERACTIVE) {
        if (new_image != image)
            gimp_display_new(new_image);
        gimp_displays_flush();
    }
    GimpValueArray *values = gimp_procedure_new_return_values(procedure, GIMP_PDB_SUCCESS, NULL);
    GIMP_VALUES_SET_IMAGE(values, 1, new_image);
    GIMP_VALUES_SET_LAYER(values, 2, layer);
    return values;
}
