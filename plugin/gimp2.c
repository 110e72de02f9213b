/* gimp2.c — the GIMP 2.10 front end (GimpPlugInInfo API, GTK 2 dialog).
 *
 * PDB, for each filter in filters.c:
 *   (run-mode image drawable model method codes layer preset iterations seed
 *    detail faces [factor])  ->  (new-image new-layer)
 * faces 0: each face found (filters.h, gpp_faces), 1: the selection as it
 * is; factor only for super-resolution.  The result is a new layer above the
 * source in one undo group, or a new image (super-resolution, and
 * colorizing a grayscale image).  The source is never written; until
 * the engine has finished nothing in the image changes, so cancelling
 * (the Stop button of progress.c, or GIMP's own Cancel, which ends this
 * process) leaves the image as it was.  The run itself is run.c's; here
 * are the PDB arguments, the dialog and the GIMP 2.10 calls of host.h. */
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>
#include <string.h>

#include "host.h"

static void query(void);
static void run(const gchar *name, gint nparams, const GimpParam *param, gint *nreturn_vals,
                GimpParam **return_vals);

const GimpPlugInInfo PLUG_IN_INFO = { NULL, NULL, query, run };

MAIN()

enum { FIXED_ARGS = 12 }; /* all but factor */

static const GimpParamDef args[] = {
    { GIMP_PDB_INT32, "run-mode", "The run mode { RUN-INTERACTIVE (0), RUN-NONINTERACTIVE (1) }" },
    { GIMP_PDB_IMAGE, "image", "Input image" },
    { GIMP_PDB_DRAWABLE, "drawable", "The layer to work on" },
    { GIMP_PDB_STRING, "model", "Model file (.safetensors), or \"\" for the default face model" },
    { GIMP_PDB_INT32, "method", "0: single code, 1: multi-code composition (mGANprior), "
                                "2: subspace composition (PmSFC; needs the model's subspace file), "
                                "3: in-domain (needs the model's encoder)" },
    { GIMP_PDB_INT32, "codes", "Multi-code: number of codes (1-100)" },
    { GIMP_PDB_INT32, "layer", "Multi-code: generator block to compose at, 0 = automatic" },
    { GIMP_PDB_INT32, "preset", "Speed/quality: 0 fast, 1 balanced, 2 best" },
    { GIMP_PDB_INT32, "iterations", "Optimiser steps, 0 = the preset's" },
    { GIMP_PDB_INT32, "seed", "Seed of the random starts (same seed, same result)" },
    { GIMP_PDB_INT32, "detail", "Generator tuning steps after the search, for detail the "
                                "model lacks (0 = off; 100-300 typical)" },
    { GIMP_PDB_INT32, "faces", "0: find the faces in the layer (in the selection; inpaint: those "
                               "the selection touches) and work on each, aligned to the model; "
                               "1: the selection (or the layer) as it is" },
    { GIMP_PDB_INT32, "factor", "Enlargement factor (2-16); must divide the model size" },
};

static const GimpParamDef return_defs[] = {
    { GIMP_PDB_IMAGE, "new-image", "The image holding the result (the input image, or a new one)" },
    { GIMP_PDB_LAYER, "new-layer", "The layer holding the result" },
};

static void query(void)
{
    for (int i = 0; i < gpp_filter_count; i++) {
        const gpp_filter *f = &gpp_filters[i];
        const int n = FIXED_ARGS + (f->task == GP_TASK_SUPERRES);
        gimp_install_procedure(f->procedure, f->blurb, f->help, "ganprior authors",
                               "ganprior authors", "2026", f->menu_label, "RGB*, GRAY*",
                               GIMP_PLUGIN, n, G_N_ELEMENTS(return_defs), args, return_defs);
        gimp_plugin_menu_register(f->procedure, GPP_MENU_PATH);
        gchar *icon = g_build_filename(GPP_ICONDIR, f->icon, NULL);
        if (g_file_test(icon, G_FILE_TEST_EXISTS)) /* not yet, when run from the build */
            gimp_plugin_icon_register(f->procedure, GIMP_ICON_TYPE_IMAGE_FILE,
                                      (const guint8 *)icon);
        g_free(icon);
    }
}

/* ---- options: PDB arguments, last values, dialog ---------------------- */

static gboolean options_from_params(const gpp_filter *f, gint nparams, const GimpParam *param,
                                    gpp_options *o)
{
    if (nparams != FIXED_ARGS + (f->task == GP_TASK_SUPERRES))
        return FALSE;
    g_strlcpy(o->model, param[3].data.d_string ? param[3].data.d_string : "", sizeof o->model);
    o->method = param[4].data.d_int32;
    o->codes = param[5].data.d_int32;
    o->split_block = param[6].data.d_int32;
    o->preset = param[7].data.d_int32;
    o->iterations = param[8].data.d_int32;
    o->seed = param[9].data.d_int32;
    o->detail = param[10].data.d_int32;
    o->faces = param[11].data.d_int32;
    if (f->task == GP_TASK_SUPERRES)
        o->factor = param[12].data.d_int32;
    return o->method >= GP_METHOD_SINGLE && o->method <= GP_METHOD_INDOMAIN && o->codes >= 1 &&
           o->codes <= 100 && o->split_block >= 0 && o->preset >= GPP_PRESET_FAST &&
           o->preset <= GPP_PRESET_BEST && o->iterations >= 0 && o->detail >= 0 &&
           o->detail <= 100000 && o->faces >= GPP_FACES_FIND && o->faces <= GPP_FACES_SELECTION &&
           o->factor >= 2 && o->factor <= 16;
}

static GtkWidget *spin(GtkWidget *table, int row, const char *label, int *value, int lo, int hi)
{
    GtkObject *adj = gtk_adjustment_new(*value, lo, hi, 1, 10, 0);
    GtkWidget *button = gtk_spin_button_new(GTK_ADJUSTMENT(adj), 1, 0);
    g_signal_connect(adj, "value-changed", G_CALLBACK(gimp_int_adjustment_update), value);
    gimp_table_attach_aligned(GTK_TABLE(table), 0, row, label, 0.0, 0.5, button, 1, TRUE);
    return button;
}

static GtkWidget *combo(GtkWidget *table, int row, const char *label, int *value, GtkWidget *box)
{
    gimp_int_combo_box_connect(GIMP_INT_COMBO_BOX(box), *value,
                               G_CALLBACK(gimp_int_combo_box_get_active), value);
    gimp_table_attach_aligned(GTK_TABLE(table), 0, row, label, 0.0, 0.5, box, 1, TRUE);
    return box;
}

static void on_model_chosen(GtkFileChooser *chooser, gpp_options *o)
{
    gchar *path = gtk_file_chooser_get_filename(chooser);
    g_strlcpy(o->model, path ? path : "", sizeof o->model);
    g_free(path);
}

static GtkWidget *model_chooser(gpp_options *o)
{
    GtkWidget *button = gtk_file_chooser_button_new("Model file", GTK_FILE_CHOOSER_ACTION_OPEN);
    GtkFileFilter *filter = gtk_file_filter_new();
    gtk_file_filter_set_name(filter, "Models (*.safetensors)");
    gtk_file_filter_add_pattern(filter, "*.safetensors");
    gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(button), filter);
    if (o->model[0])
        gtk_file_chooser_set_filename(GTK_FILE_CHOOSER(button), o->model);
    g_signal_connect(button, "file-set", G_CALLBACK(on_model_chosen), o);
    gtk_file_chooser_button_set_width_chars(GTK_FILE_CHOOSER_BUTTON(button), 28);
    gtk_widget_set_tooltip_text(button, "Leave empty for the default face model");
    return button;
}

static gboolean dialog(const gpp_filter *f, gpp_options *o)
{
    GtkWidget *dlg = gimp_dialog_new(f->blurb, "ganprior", NULL, 0, gimp_standard_help_func,
                                     f->procedure, "_Cancel", GTK_RESPONSE_CANCEL, "_OK",
                                     GTK_RESPONSE_OK, NULL);
    GtkWidget *table = gtk_table_new(10, 2, FALSE);
    gtk_table_set_col_spacings(GTK_TABLE(table), 6);
    gtk_table_set_row_spacings(GTK_TABLE(table), 4);
    gtk_container_set_border_width(GTK_CONTAINER(table), 12);
    gtk_box_pack_start(GTK_BOX(gtk_dialog_get_content_area(GTK_DIALOG(dlg))), table, TRUE,
                       TRUE, 0);
    int row = 0;
    GtkWidget *faces = combo(table, row++, "F_aces:", &o->faces,
                             gimp_int_combo_box_new("Find faces", GPP_FACES_FIND,
                                                    "The selection as it is",
                                                    GPP_FACES_SELECTION, NULL));
    gtk_widget_set_tooltip_text(faces, GPP_FACES_HELP);
    gimp_table_attach_aligned(GTK_TABLE(table), 0, row++, "_Model:", 0.0, 0.5,
                              model_chooser(o), 1, TRUE);
    combo(table, row++, "M_ethod:", &o->method,
          gimp_int_combo_box_new("Single code", GP_METHOD_SINGLE, "Multi-code (mGANprior)",
                                 GP_METHOD_MULTICODE, "Subspaces (PmSFC)", GP_METHOD_SUBSPACE,
                                 "In-domain (encoder)", GP_METHOD_INDOMAIN, NULL));
    spin(table, row++, "_Number of codes:", &o->codes, 1, 100);
    spin(table, row++, "Compose at la_yer (0 = auto):", &o->split_block, 0, 64);
    combo(table, row++, "_Quality:", &o->preset,
          gimp_int_combo_box_new("Fast", GPP_PRESET_FAST, "Balanced", GPP_PRESET_BALANCED,
                                 "Best", GPP_PRESET_BEST, NULL));
    spin(table, row++, "_Iterations (0 = preset):", &o->iterations, 0, 100000);
    spin(table, row++, "See_d:", &o->seed, 0, G_MAXINT);
    spin(table, row++, "De_tail (tuning steps):", &o->detail, 0, 100000);
    if (f->task == GP_TASK_SUPERRES)
        spin(table, row++, "_Factor:", &o->factor, 2, 16);
    gtk_widget_show_all(dlg);
    const gboolean ok = gimp_dialog_run(GIMP_DIALOG(dlg)) == GTK_RESPONSE_OK;
    gtk_widget_destroy(dlg);
    return ok;
}

/* ---- the host calls run.c builds on (host.h) ----------------------------- */

struct gpp_host {
    gint32 image, source;
    gint32 result_image, result_layer; /* where the result went */
};

bool gpp_host_image_is_indexed(const gpp_host *h)
{
    return gimp_image_base_type(h->image) == GIMP_INDEXED;
}

bool gpp_host_image_is_gray(const gpp_host *h)
{
    return gimp_image_base_type(h->image) == GIMP_GRAY;
}

bool gpp_host_source_is_layer(const gpp_host *h) { return gimp_item_is_layer(h->source); }

GeglBuffer *gpp_host_source_buffer(gpp_host *h) { return gimp_drawable_get_buffer(h->source); }

GeglBuffer *gpp_host_selection_buffer(gpp_host *h)
{
    if (gimp_selection_is_empty(h->image))
        return NULL;
    return gimp_drawable_get_buffer(gimp_image_get_selection(h->image));
}

void gpp_host_source_offsets(const gpp_host *h, int *x, int *y)
{
    gimp_drawable_offsets(h->source, x, y);
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
        gimp_image_insert_layer(h->result_image, h->result_layer, 0, 0);
    } else {
        gimp_layer_set_offsets(h->result_layer, x, y);
        gimp_image_insert_layer(h->image, h->result_layer, gimp_item_get_parent(h->source),
                                gimp_image_get_item_position(h->image, h->source));
    }
    return gimp_drawable_get_buffer(h->result_layer);
}

void gpp_host_layer_done(gpp_host *h, int width, int height)
{
    gimp_drawable_update(h->result_layer, 0, 0, width, height);
}

/* ---- running ---------------------------------------------------------- */

static void run(const gchar *name, gint nparams, const GimpParam *param, gint *nreturn_vals,
                GimpParam **return_vals)
{
    static GimpParam values[3];
    const gpp_filter *f = gpp_filter_find(name);
    *return_vals = values;
    *nreturn_vals = 1;
    values[0].type = GIMP_PDB_STATUS;
    values[0].data.d_status = GIMP_PDB_CALLING_ERROR;
    if (!f || nparams < 3)
        return;
    const GimpRunMode mode = param[0].data.d_int32;
    gpp_options o;
    gpp_options_default(&o);
    if (mode == GIMP_RUN_NONINTERACTIVE) {
        if (!options_from_params(f, nparams, param, &o))
            return;
    } else {
        gimp_get_data(f->procedure, &o);
        if (mode == GIMP_RUN_INTERACTIVE) {
            gimp_ui_init("ganprior", FALSE); /* the dialog's, and the Stop window's */
            if (!dialog(f, &o)) {
                values[0].data.d_status = GIMP_PDB_CANCEL;
                return;
            }
        }
    }
    gp_error err;
    gpp_host h = { .image = param[1].data.d_image, .source = param[2].data.d_drawable,
                   .result_image = param[1].data.d_image };
    /* Only an interactive run may open windows: scripts with the last
     * values also run in gimp-console, which has no display. */
    if (gpp_filter_run(f, &o, &h, mode == GIMP_RUN_INTERACTIVE, &err) != GP_OK) {
        static gchar message[sizeof err.message];
        g_strlcpy(message, err.message, sizeof message);
        /* Stop was the user's own choice: it needs no message box. */
        if (mode == GIMP_RUN_INTERACTIVE && err.status != GP_ERR_CANCELLED)
            gimp_message(message);
        values[0].data.d_status = err.status == GP_ERR_CANCELLED ? GIMP_PDB_CANCEL
                                                                 : GIMP_PDB_EXECUTION_ERROR;
        values[1].type = GIMP_PDB_STRING;
        values[1].data.d_string = message;
        *nreturn_vals = 2;
        return;
    }
    if (mode == GIMP_RUN_INTERACTIVE) {
        gimp_set_data(f->procedure, &o, sizeof o);
        if (h.result_image != h.image)
            gimp_display_new(h.result_image);
        gimp_displays_flush();
    }
    values[0].data.d_status = GIMP_PDB_SUCCESS;
    values[1].type = GIMP_PDB_IMAGE;
    values[1].data.d_image = h.result_image;
    values[2].type = GIMP_PDB_LAYER;
    values[2].data.d_layer = h.result_layer;
    *nreturn_vals = 3;
}
