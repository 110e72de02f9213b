/* find.h — where the engine looks for its files (engine-internal; the
 * public gp_model_find is declared in ganprior.h and defined here too).
 *
 * One search order for every file a user may install:
 *   1. an explicit path, when the caller gives one;
 *   2. $GANPRIOR_MODEL_PATH, a folder;
 *   3. the user's data dir, $XDG_DATA_HOME/ganprior/models (default
 *      ~/.local/share/ganprior/models);
 *   4. the installed data dir, GP_DATADIR/models.
 * The SqueezeNet network also honours $GANPRIOR_PERCEPTUAL (the file
 * itself) between 1 and 2.  Files that belong to one model (its
 * discriminator, its subspaces) sit next to it: the model's path with
 * ".safetensors" replaced by suffix + ".safetensors".
 */
#ifndef GP_FIND_H
#define GP_FIND_H

#include "model/model.h"

/* Whether path names a regular file (not a folder). */
bool gp_file_exists(const char *path);

/* A file that belongs to m and sits next to it (see above). */
gp_status gp_model_sidecar_path(const gp_model *m, const char *suffix, char *buf, size_t size,
                                gp_error *err);

/* The SqueezeNet file of the perceptual loss: explicit_path (NULL or ""
 * for none; a missing one falls through, so an inversion runs without
 * the feature loss), $GANPRIOR_PERCEPTUAL, then the search folders. */
gp_status gp_perceptual_find(const char *explicit_path, char *buf, size_t size, gp_error *err);

/* The discriminator of model m: explicit_path when given (GP_ERR_IO when
 * it does not exist), else the "-disc" file next to the model (GP_ERR_IO
 * when there is none). */
gp_status gp_disc_find(const gp_model *m, const char *explicit_path, char *buf, size_t size,
                       gp_error *err);
/* The encoder of in-domain inversion: explicit_path, else
 * MODEL-encoder.safetensors next to the model; GP_ERR_IO when missing. */
gp_status gp_encoder_find(const gp_model *m, const char *explicit_path, char *buf, size_t size,
                          gp_error *err);

#endif
