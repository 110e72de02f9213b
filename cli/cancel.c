/* cancel.c — the engine's progress callback for the commands that run
 * long: it draws the bar and says stop once Ctrl-C was pressed
 * (interrupt.c). */
#include "cli.h"
#include "progress.h"

bool cli_progress(void *bar, int iteration, int total, float loss)
{
    progress_update(bar, iteration, total, loss);
    return !cli_interrupted();
}
