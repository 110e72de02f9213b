/* full_none.c — `--full` in a build without GEGL (-Dbridge=disabled):
 * merging at the picture's resolution is the GEGL bridge's, so it is
 * refused with a reason. */
#include "full.h"

gp_status cli_full_run(gp_model *m, const gp_invert_params *p, gp_image *picture,
                       const gp_image *mask, cli_full_result *out, gp_error *err)
{
    (void)m, (void)p, (void)picture, (void)mask, (void)out;
    return gp_fail(err, GP_ERR_UNSUPPORTED,
                   "--full needs GEGL, and this ganprior was built without it "
                   "(-Dbridge=disabled)");
}

gp_status cli_full_faces(gp_model *m, const gp_invert_params *p, gp_image *picture,
                         const gp_image *mask, const char *name, cli_full_result *out,
                         gp_error *err)
{
    (void)m, (void)p, (void)picture, (void)mask, (void)name, (void)out;
    return gp_fail(err, GP_ERR_UNSUPPORTED,
                   "--faces needs GEGL, and this ganprior was built without it "
                   "(-Dbridge=disabled)");
}
