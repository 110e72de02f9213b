/* progress.c — a filter run under progress, for both front ends, and
 * the Stop button that cancels it.
 *
 * GIMP's own progress bar follows the search, but its Cancel never
 * reaches a plug-in: GIMP 2.10 and 3.0 answer it by closing the plug-in
 * (app/plug-in/gimpplugin-progress.c: the progress's "cancel" signal
 * calls gimp_plug_in_close(plug_in, TRUE), which writes GP_QUIT, waits
 * 10 ms and sends SIGKILL), and gimp_progress_cancel() is a no-op for
 * plug-ins.  The image is safe then only because nothing is written
 * before the engine finishes.  So in an interactive run (the only one
 * sure to have a display) the plug-in shows a window
 * of its own with a progress bar and a Stop button; the engine's
 * progress callback, called at least once per iteration, handles that
 * window's pending events and answers "stop" once the button (or the
 * window's close box) was pressed: the engine then frees what it made
 * and returns GP_ERR_CANCELLED, and run.c places nothing.
 *
 * Updates go over the plug-in's pipe to GIMP, so they are sent only
 * when the bar moves by a percent. */
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "host.h"

typedef struct progress {
    int shown;          /* the last percent sent */
    GtkWidget *window;  /* the Stop window, or NULL without a UI */
    GtkWidget *bar;
    bool stop;          /* Stop was pressed */
} progress;

static void on_stop(GtkDialog *dialog, gint response, gpointer user)
{
    (void)dialog, (void)response;
    progress *pr = user;
    pr->stop = true;
    gtk_widget_set_sensitive(pr->window, FALSE); /* pressed: the engine is stopping */
}

static void open_window(progress *pr, const gpp_filter *f)
{
    pr->window = gimp_dialog_new(f->blurb, "ganprior-progress", NULL, 0, NULL, NULL, "_Stop",
                                 GTK_RESPONSE_CANCEL, NULL);
    /* Wide enough for the title: without it the window shrinks to the
     * button, and a bar 0 px high. */
    gtk_window_set_default_size(GTK_WINDOW(pr->window), 360, -1);
    GtkWidget *content = gtk_dialog_get_content_area(GTK_DIALOG(pr->window));
    gtk_container_set_border_width(GTK_CONTAINER(content), 12);
    pr->bar = gtk_progress_bar_new();
    gtk_box_pack_start(GTK_BOX(content), pr->bar, TRUE, TRUE, 0);
    g_signal_connect(pr->window, "response", G_CALLBACK(on_stop), pr);
    gtk_widget_show_all(pr->window);
}

static void handle_events(void)
{
    while (gtk_events_pending())
        gtk_main_iteration();
}

static bool on_progress(void *user, int iteration, int total, float loss)
{
    progress *pr = user;
    (void)loss;
    const int percent = total > 0 ? (int)(100.0 * iteration / total) : 0;
    if (percent != pr->shown) {
        pr->shown = percent;
        gimp_progress_update(percent / 100.0);
        if (pr->bar)
            gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(pr->bar), percent / 100.0);
    }
    if (pr->window)
        handle_events();
    return !pr->stop;
}

gp_status gpp_run_with_progress(const gpp_filter *f, const gpp_options *o, const gpb_input *in,
                                bool with_ui, gpb_output *out, gp_error *err)
{
    progress pr = { .shown = -1 };
    gimp_progress_init(f->blurb);
    if (with_ui) {
        open_window(&pr, f);
        handle_events();
    }
    gp_status s = gpp_run(f, o, in, on_progress, &pr, out, err);
    if (pr.window)
        gtk_widget_destroy(pr.window);
    gimp_progress_end();
    return s;
}
