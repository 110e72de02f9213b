/* ganprior.h — libganprior, a GAN-inversion engine in plain C.
 *
 * Given a pretrained generator G (a model file) and an image, the engine
 * searches latent codes whose generated image matches the image under a
 * task's degradation: identity (reconstruct), a hole mask (inpaint),
 * gray (colorize) or down-sampling (super-resolve).
 *
 *   gp_error err;
 *   gp_model *m;
 *   if (gp_model_load("faces128.safetensors", &m, &err) != GP_OK)
 *       fprintf(stderr, "%s\n", err.message);
 *   gp_invert_params p;
 *   gp_invert_params_default(&p, GP_TASK_INPAINT);
 *   gp_image out = { 0 };
 *   gp_invert(m, &p, &target, &mask, &out, NULL, &err);
 *   ...
 *   gp_image_release(&out);
 *   gp_model_free(m);
 *
 * Images cross this interface as interleaved float RGB (or gray) in
 * [0, 1], rows top to bottom.  Every call that can fail returns a
 * gp_status and, when err is non-NULL, fills a message a user can read.
 * The engine never exits or aborts its host process.
 *
 * Threads: GEMMs run on OpenBLAS's threads; the engine's own loops are
 * single-threaded so the two never contend.  Unless OPENBLAS_NUM_THREADS
 * (or GOTO_ / OMP_NUM_THREADS) says how many, each search uses the cores
 * other processes leave free at its start, at least one: on a busy
 * machine a second OpenBLAS thread makes every GEMM wait for a core.
 * Calls on different gp_model objects may run concurrently; one model
 * must not be used by two calls at once.
 */
#ifndef GANPRIOR_H
#define GANPRIOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gp_status {
    GP_OK = 0,
    GP_ERR_IO,          /* a file could not be read or written */
    GP_ERR_FORMAT,      /* a file is malformed */
    GP_ERR_ARGUMENT,    /* a parameter or image does not fit */
    GP_ERR_MEMORY,      /* out of memory */
    GP_ERR_CANCELLED,   /* the progress callback asked to stop */
    GP_ERR_UNSUPPORTED, /* valid, but this engine cannot do it */
} gp_status;

typedef struct gp_error {
    gp_status status;
    char message[512];
} gp_error;

const char *gp_status_string(gp_status s);

/* Sets err (if non-NULL) to status and a printf-style message and
 * returns status, so code built on the engine reports its own failures
 * the same way: `return gp_fail(err, GP_ERR_ARGUMENT, "...", ...);` */
gp_status gp_fail(gp_error *err, gp_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Seconds on a monotonic clock, from an arbitrary origin: the clock
 * gp_invert_report.seconds is measured with, for hosts that time their
 * own work alike. */
double gp_clock_seconds(void);

/* ---- images ---------------------------------------------------------- */

typedef struct gp_image {
    int width, height;
    int channels;  /* 1 (gray) or 3 (RGB) */
    float *data;   /* width*height*channels floats, interleaved, [0, 1] */
} gp_image;

/* Allocates data (zeroed).  Returns GP_ERR_MEMORY / GP_ERR_ARGUMENT. */
gp_status gp_image_alloc(gp_image *img, int width, int height, int channels);
/* Frees data and zeroes the struct; safe on a zeroed struct. */
void gp_image_release(gp_image *img);
/* out (allocated here) = in (RGB) reduced by an integer factor, each
 * pixel the mean of a factor x factor block: exactly the degradation the
 * super-resolution task fits, so a result can be checked against its
 * input.  in's size must be a multiple of factor. */
gp_status gp_image_reduce(const gp_image *in, int factor, gp_image *out, gp_error *err);
/* out (allocated here) = in resampled to width x height: each output
 * pixel the mean of the input over its footprint, a box max(scale, 1)
 * input pixels wide (scale = input / output size, per axis; separable),
 * each input pixel weighted by how much of it the footprint covers.
 * Reducing, that is area averaging (for an integer factor exactly
 * gp_image_reduce's block means); enlarging, bilinear interpolation.
 * Pixel centres are aligned, and the edge pixels repeat. */
gp_status gp_image_resample(const gp_image *in, int width, int height, gp_image *out,
                            gp_error *err);
/* Rows y0 .. y0 + rows - 1 (out: width x rows, allocated here) of the
 * width x height gp_image_resample of the rectangle region = {x, y, w, h}
 * of in (NULL: all of it), computed from the input rows they need only:
 * a big picture is resampled in strips, or a part of it on its own. */
gp_status gp_image_resample_part(const gp_image *in, const int region[4], int width, int height,
                                 int y0, int rows, gp_image *out, gp_error *err);

/* ---- models ---------------------------------------------------------- */

typedef struct gp_model gp_model;

typedef enum gp_latent_dist {
    GP_LATENT_NORMAL,   /* z ~ N(0, I) */
    GP_LATENT_UNIFORM,  /* z ~ U(-1, 1) */
} gp_latent_dist;

/* What gp_model_get_info returns: the record and its strings belong to
 * the model and stay valid, unchanged, until gp_model_free. */
typedef struct gp_model_info {
    const char *name;        /* from the file's metadata */
    const char *family;      /* "pggan", "sequential" */
    const char *licence;
    const char *provenance;
    int width, height;       /* output size */
    int channels;            /* output channels (3) */
    int latent_size;
    gp_latent_dist latent_dist;
    float range_min, range_max; /* output value range of the network */
    int blocks;              /* split points: 1 .. blocks-1 */
    long long parameters;
} gp_model_info;

/* The largest picture the front ends (the CLI, the plug-in's bridge)
 * take, checked from its header or the layer's size before anything of it
 * is decoded or copied: larger ones are refused with a message. */
#define GP_PICTURE_MAX_PIXELS (100LL * 1000 * 1000)

/* Loads a safetensors model file (see models/README.md for the
 * metadata it needs).  Validates every tensor's name, dtype and shape. */
gp_status gp_model_load(const char *path, gp_model **out, gp_error *err);
/* The same from a model file's size bytes at data (only read during the
 * call); name stands for the file in messages and in the model's info. */
gp_status gp_model_load_memory(const void *data, size_t size, const char *name, gp_model **out,
                               gp_error *err);
void gp_model_free(gp_model *m);
const gp_model_info *gp_model_get_info(const gp_model *m);
/* Channels of the feature at the start of block `block`, or -1. */
int gp_model_block_channels(const gp_model *m, int block);
/* The split block used when none is given (composition.split_block -1): the last
 * block whose input is at most 1/8 of the output width (16x16 features
 * of a 128 model, 32x32 of a 256 one: mGANprior's l = 8). */
int gp_model_default_block(const gp_model *m);

/* Draws a latent from the model's distribution with this seed and
 * renders it into out (allocated here; release with gp_image_release). */
gp_status gp_model_sample(gp_model *m, uint64_t seed, gp_image *out,
                          gp_error *err);

/* ---- inversion ------------------------------------------------------- */

typedef enum gp_task {
    GP_TASK_RECONSTRUCT, /* target: model-size RGB */
    GP_TASK_INPAINT,     /* target: model-size RGB; mask: 1 = hole */
    GP_TASK_COLORIZE,    /* target: model-size gray or RGB (made gray) */
    GP_TASK_SUPERRES,    /* target: (model size / factor) RGB */
} gp_task;

typedef enum gp_method {
    GP_METHOD_SINGLE,     /* one code, the whole generator */
    GP_METHOD_MULTICODE,  /* mGANprior: N codes composed at a split */
    GP_METHOD_SUBSPACE,   /* PmSFC: codes per channel subspace + a base code */
    GP_METHOD_INDOMAIN,   /* in-domain: one code from the model's encoder,
                             kept where the encoder would put its image */
} gp_method;

/* Where the search's codes start. */
typedef enum gp_start {
    GP_START_RANDOM,  /* the best of 1 + restarts random draws */
    GP_START_ENCODER, /* the model's encoder on the degraded picture (the
                         hole filled, the gray or small picture as it is);
                         several codes spread a little around it */
} gp_start;

typedef struct gp_subspaces gp_subspaces; /* see "channel subspaces" below */

/* Called once per random start (iteration 0) and once per iteration
 * (1..total; fewer when the loss plateaus).  total is search.iterations
 * + tune.steps: generator tuning reports search.iterations + 1 .. total,
 * so a search that plateaued early jumps to search.iterations.  Return
 * false to cancel: the inversion then stops before its next step, frees
 * what it made (the model's weights restored) and returns
 * GP_ERR_CANCELLED without touching the output image. */
typedef bool (*gp_progress_fn)(void *user, int iteration, int total,
                               float loss);

/* Everything gp_invert is asked to do.  Fill it with
 * gp_invert_params_default, then change what you need; each field's
 * comment starts with that default.
 *
 * The split point: generators are chains of blocks (a PGGAN resolution,
 * a DCGAN stage; `ganprior info` lists them), and the multi-code and
 * subspace methods compose their codes' features at the start of one
 * block, the split block.  Everything before it is G1, the rest G2.
 * (The CLI's --layer and the plug-in's "layer" argument name it.) */
typedef struct gp_invert_params {
    gp_task task;         /* the argument of gp_invert_params_default */
    gp_method method;     /* GP_METHOD_MULTICODE */
    int superres_factor;  /* 4: superres only, 2..16, must divide the
                             model size */

    /* The code search: Adam on the codes from the best of several
     * random starts, stopping early when the loss stalls. */
    struct gp_search_params {
        int iterations;          /* 300 (reconstruct), 200 (other tasks):
                                    maximum Adam steps */
        float learning_rate;     /* 0.1: initial Adam step; cosine-decayed
                                    to 5% */
        float perceptual_weight; /* 0 (off): weight of the SqueezeNet
                                    feature loss (used when > 0, the
                                    network is found and the image is
                                    large enough) */
        int restarts;            /* 4: extra random starts; 1 + restarts
                                    are scored on the pixel loss and the
                                    best starts Adam */
        float plateau_tolerance; /* 1e-3: stop when the loss improves less
                                    than this fraction over plateau_window
                                    iterations */
        int plateau_window;      /* 50: 0 never stops early */
        uint64_t seed;           /* 0: seed of every random draw */
        gp_start start;          /* GP_START_RANDOM (the in-domain method
                                    always starts at the encoder) */
    } search;

    /* In-domain inversion (Zhu et al., ECCV 2020): the code starts at the
     * encoder's and the loss adds domain_weight * mean((z - E(G(z)))^2),
     * which keeps it where the encoder would put the image it makes. */
    struct gp_indomain_params {
        float domain_weight;     /* 0.01: >= 0 (measured: params.c) */
    } indomain;

    /* Multi-code composition (mGANprior): N codes composed at the split
     * block with per-channel importances. */
    struct gp_composition_params {
        int codes;        /* 20: number of codes N (multicode) */
        int split_block;  /* -1: the block to compose at, 1..blocks-1;
                             -1 picks the last block whose input is at
                             most 1/8 of the output width (16x16 for a
                             128 model; gp_model_default_block).  For the
                             subspace method: -1 or the subspaces' own */
    } composition;

    /* Subspace composition (PmSFC): codes per channel subspace. */
    struct gp_subspace_use_params {
        int codes_per_subspace; /* 4: codes P per subspace; the run has
                                   K*P + 1 codes (the last is the base) */
        bool weights;           /* true: learn per-channel weights (alpha)
                                   within each subspace, as the paper
                                   does; false keeps the masked average */
        const gp_subspaces *subspaces; /* NULL: the channel groups; NULL
                                   loads the model's sidecar file
                                   (gp_subspaces_path).  Not owned. */
    } subspace;

    /* Generator tuning (PTI, Roich et al. 2021): after the code search,
     * the generator's weights are fine-tuned for `steps` Adam steps on
     * the same task loss, the found codes held fixed as the pivot, while
     * a locality term keeps the outputs of codes near the pivot where the
     * untuned generator put them.  The tuned weights live only for the
     * call: the model comes back bit for bit as it was.
     *
     * Adversarial terms ("Near Perfect GAN Inversion"): a discriminator
     * of the generator's images (a second network file) scores the tuned
     * image, and the non-saturating generator loss softplus(-logit) pulls
     * it towards what the discriminator takes for real.  Global: the mean
     * over the discriminator's logit map; local: the mean weighted by the
     * inpainting hole box-averaged to that map (the same as global for
     * the other tasks).  Used only when steps > 0, a weight is > 0 and a
     * discriminator is found; its own weights never change. */
    struct gp_tuning_params {
        int steps;                /* 0: no tuning */
        bool all;                 /* false: tune only the layers after the
                                     split (G2; the whole net for single-
                                     code); true: every layer */
        float learning_rate;      /* 3e-3: initial Adam step relative to
                                     each weight tensor's RMS; cosine-
                                     decayed to 5% */
        float locality_weight;    /* 0.1: weight of the locality term */
        float locality_radius;    /* 0.5: (0, 1], the nearby codes are the
                                     pivot moved this fraction of the way
                                     towards random codes */
        float adversarial_weight;       /* 0: global term, >= 0 (off: see
                                           bench/results/regularisers.md) */
        float adversarial_local_weight; /* 0: local term, >= 0 */
    } tune;

    /* The network files besides the model.  Not owned: read during the
     * call only. */
    struct gp_model_file_params {
        const char *perceptual;    /* NULL: the SqueezeNet file; NULL
                                      looks in $GANPRIOR_PERCEPTUAL, then
                                      where models are looked for
                                      (gp_model_find) */
        const char *discriminator; /* NULL: the discriminator file (missing
                                      or malformed: an error); NULL takes
                                      the model's path with ".safetensors"
                                      replaced by "-disc.safetensors", and
                                      when that file does not exist the
                                      tuning runs without the terms
                                      (report.adversarial) */
        const char *encoder;       /* NULL: the encoder of the in-domain
                                      method and of GP_START_ENCODER; NULL
                                      takes "-encoder.safetensors" next to
                                      the model (missing: an error) */
    } files;

    gp_progress_fn progress; /* NULL: no progress, no cancel */
    void *progress_user;     /* NULL: passed to progress */
} gp_invert_params;

/* Fills p with the measured defaults for task. */
void gp_invert_params_default(gp_invert_params *p, gp_task task);

typedef struct gp_invert_report {
    int iterations;      /* Adam steps taken on the codes */
    int tune_steps;      /* Adam steps taken on the generator's weights */
    float loss;          /* best total loss reached */
    float fit_psnr;      /* the result against what the task compares (the
                            degraded target: all of it, the known pixels,
                            the luminance, the reduction), in dB of the
                            model's value range; 100 for a perfect fit */
    double seconds;
    bool perceptual;     /* the feature loss was used (network found and
                            the compared image large enough) */
    bool adversarial;    /* the tuning used a discriminator's terms */
} gp_invert_report;

/* Inverts the generator against target under p->task.  mask (inpaint
 * only) is a model-size image, >= 0.5 in its first channel = hole.  On
 * GP_OK, *out is overwritten with a new model-size RGB image (release it
 * with gp_image_release); on failure *out is left untouched.  p, target
 * and mask are only read, and only during the call.
 *
 * Determinism: the same model file, target, mask and parameters (seed
 * included) give the same image bit for bit on the same build, machine
 * and OpenBLAS thread count (set OPENBLAS_NUM_THREADS to fix it; without
 * it the count follows the machine's load); the engine's own loops and
 * random draws are fixed-order and seeded.  Across thread counts, CPUs or
 * builds OpenBLAS may pick other kernels and summation orders, so results
 * can differ in the last bits. */
gp_status gp_invert(gp_model *m, const gp_invert_params *p,
                    const gp_image *target, const gp_image *mask,
                    gp_image *out, gp_invert_report *report, gp_error *err);

/* ---- channel subspaces (PmSFC) ---------------------------------------
 *
 * Prior Multi-Subspace Feature Composition (Li et al., AAAI 2021): the
 * channels of the feature at a split are grouped into K subspaces by
 * learning a self-expressive coefficient matrix C (each channel rebuilt
 * from the others, F ≈ C·F, zero diagonal) on generator samples and
 * clustering the affinity |C| + |C|ᵀ spectrally.  GP_METHOD_SUBSPACE then
 * gives each subspace its own P codes, composed through the channel
 * masks on top of a base code; gp_subspace_swap exchanges one subspace
 * between two inverted images. */

typedef enum gp_sparsity {
    GP_SPARSITY_L1,  /* S(C) = mean|C| */
    GP_SPARSITY_L2,  /* S(C) = mean(C^2) */
} gp_sparsity;

typedef struct gp_subspace_params {
    int split_block;       /* 1..blocks-1, or -1: gp_invert's automatic one */
    int subspaces;         /* K, 1..channels at the split */
    int steps;             /* Adam steps on C */
    int batch;             /* latents drawn per step */
    float learning_rate;   /* initial Adam step, cosine-decayed to 5% */
    float output_weight;   /* weight of the G2(F) vs G2(C·F) term */
    gp_sparsity sparsity;
    float sparsity_weight; /* weight of S(C) */
    float keep;            /* affinity: per channel, its largest |C| entries
                              up to this fraction of the row's L1 mass */
    uint64_t seed;
    gp_progress_fn progress; /* once per step; false cancels */
    void *progress_user;
} gp_subspace_params;

/* Fills p with the measured defaults (see bench/results/subspace.md). */
void gp_subspace_params_default(gp_subspace_params *p);

/* What gp_subspaces_get_info returns: the record, its model string and
 * its labels array belong to the gp_subspaces and stay valid, unchanged,
 * until gp_subspaces_free. */
typedef struct gp_subspaces_info {
    const char *model;    /* name of the model they belong to */
    int split_block;
    int channels;         /* at the split */
    int subspaces;        /* K */
    const int *labels;    /* [channels]: each channel's subspace, 0..K-1 */
    /* How the coefficient matrix was learnt (0 when unknown): */
    int steps;
    float feature_loss;   /* mean((F - C·F)^2) at the end */
    float feature_energy; /* mean(F^2), for scale */
    float output_loss;    /* mean((G2(F) - G2(C·F))^2) at the end */
    double seconds;
} gp_subspaces_info;

/* Learns the subspaces of m as p says; *out is freed with
 * gp_subspaces_free.  Deterministic for a seed on one build. */
gp_status gp_subspaces_learn(gp_model *m, const gp_subspace_params *p,
                             gp_subspaces **out, gp_error *err);
/* Writes a sidecar safetensors file (models/README.md, "Subspaces"),
 * atomically. */
gp_status gp_subspaces_save(const gp_subspaces *s, const char *path,
                            gp_error *err);
/* Reads a sidecar file and checks it belongs to m (model name, block,
 * channel count, labels in range). */
gp_status gp_subspaces_load(const gp_model *m, const char *path,
                            gp_subspaces **out, gp_error *err);
/* The sidecar's conventional place: the model file's path with
 * ".safetensors" replaced by ".subspaces.safetensors". */
gp_status gp_subspaces_path(const gp_model *m, char *buf, size_t size,
                            gp_error *err);
const gp_subspaces_info *gp_subspaces_get_info(const gp_subspaces *s);
void gp_subspaces_free(gp_subspaces *s);

/* Inverts a and b with p (method GP_METHOD_SUBSPACE, any task; mask as
 * for gp_invert, used for both; no tuning: the swapped features render
 * through the model's own G2, so tune.steps must be 0), then exchanges the features of one
 * subspace (0..K-1) between the two composed features at the split and
 * renders both: *out_a is a with b's subspace, *out_b the reverse.
 * Progress reports both inversions in turn. */
gp_status gp_subspace_swap(gp_model *m, const gp_invert_params *p,
                           const gp_image *a, const gp_image *b,
                           const gp_image *mask, int subspace,
                           gp_image *out_a, gp_image *out_b, gp_error *err);

/* ---- faces ------------------------------------------------------------
 *
 * Faces and their landmarks in an ordinary picture, found by two small
 * networks the engine runs itself: face-api's tiny face detector (a
 * TinyYOLOv2 on depthwise-separable convolutions, 5 anchors, input a
 * square of input_size px) and its 68-point tiny landmark net (run on each
 * box), converted from @vladmandic/face-api (MIT) by
 * models/convert_faceapi.py.  Results match face-api's own code on
 * tensors (pad to a square, TensorFlow's bilinear resize).
 *
 *   gp_face_finder *f;
 *   gp_face faces[16];
 *   int n;
 *   if (gp_face_finder_load(NULL, NULL, &f, &err) == GP_OK &&
 *       gp_faces_find(f, NULL, &photo, faces, 16, &n, &err) == GP_OK) ...
 *   gp_face_finder_free(f);
 */

typedef struct gp_face_finder gp_face_finder;

/* Points and boxes are (x, y) in pixels of the picture, x to the right, y
 * down, the picture spanning [0, width] x [0, height].  "First" means on
 * the picture's left: the person's right eye and mouth corner. */
typedef struct gp_face {
    float box[4];          /* left, top, width, height: the detector's box */
    float score;           /* the detector's confidence, (threshold, 1) */
    float landmarks[68][2];/* the iBUG 300-W 68 points: jaw 0-16, brows 17-26,
                              nose 27-35, eyes 36-41 and 42-47, mouth 48-67 */
    float eyes[2][2];      /* eye centres: means of points 36-41 and 42-47 */
    float nose[2];         /* nose tip, point 30 */
    float mouth[2][2];     /* mouth corners, points 48 and 54 */
} gp_face;

typedef struct gp_face_params {
    int input_size;        /* 416: side of the detector's square input, a
                              multiple of 32 in 64..1024 (one pass finds
                              faces down to about input_size/12 of the
                              picture's long side) */
    float score_threshold; /* 0.5: boxes scoring above it are kept, (0, 1) */
    float iou_threshold;   /* 0.4: overlap (IoU) above which the lower-scoring
                              of two boxes is dropped, (0, 1] */
    bool multiscale;       /* true: the picture area-averaged to the input,
                              once more small in the middle of it (large
                              tight faces), and overlapping tiles at larger
                              scales for faces down to min_face; false:
                              face-api's own single pass (the picture padded
                              to a square, TensorFlow's bilinear resize) */
    float min_face;        /* 0 (automatic: max(40, long side / 48)): the
                              smallest face box, in picture pixels, the
                              tiles look for; smaller is slower (multiscale
                              only, >= 0).  By default a 1000x750 picture
                              takes 14 detector runs (about 1.5-2.5 s on two
                              busy cores, against 0.1-0.2 s for one pass),
                              a 6000x4000 one 56 (about 8 s) */
    gp_progress_fn progress; /* NULL: none.  Called after each detector run
                              with the runs made and planned (loss NAN);
                              false cancels: GP_ERR_CANCELLED, no faces */
    void *progress_user;
} gp_face_params;

void gp_face_params_default(gp_face_params *p);

/* Loads the detector and landmark networks.  NULL for either looks for
 * "faceapi-detector.safetensors" / "faceapi-landmarks.safetensors" where
 * models are looked for (gp_model_find).  A malformed file (wrong tensors
 * or shapes, not a face-api network) is GP_ERR_FORMAT with its name.
 * Free with gp_face_finder_free. */
gp_status gp_face_finder_load(const char *detector, const char *landmarks,
                              gp_face_finder **out, gp_error *err);
void gp_face_finder_free(gp_face_finder *f);

/* Finds faces in img (RGB or gray, any size up to GP_PICTURE_MAX_PIXELS;
 * a picture too small to hold a face gives none): writes the best
 * min(found, max) into faces, highest score first, and their count into
 * *n.  p NULL: the defaults.  Deterministic; one finder must not be used
 * by two calls at once. */
gp_status gp_faces_find(gp_face_finder *f, const gp_face_params *p, const gp_image *img,
                        gp_face *faces, int max, int *n, gp_error *err);

/* The landmarks (and five points) of the face in box (left, top, width,
 * height; clipped to the picture, at least 1 px after clipping) of img,
 * into face (box and score: the box as used, and 1). */
gp_status gp_face_landmarks(gp_face_finder *f, const gp_image *img, const float box[4],
                            gp_face *face, gp_error *err);

/* ---- a face in the model's frame ---------------------------------------
 *
 * Faces are aligned by five points, always in this order: the eye centres
 * (the person's right first), the nose tip, the mouth corners (right
 * first).  A model's frame is where its faces put them on average, in
 * unit coordinates of its square image (0..1 of the side, x right, y
 * down, the image spanning [0, 1]); gp_face_align maps a found face onto
 * it with a similarity transform (rotation, uniform scale, translation)
 * so the face can be cropped to the model's size, restored there and
 * put back through the inverse:
 *
 *   float frame[5][2];
 *   gp_model_face_frame(m, frame);
 *   gp_similarity to_model, to_picture;
 *   gp_face_align(&faces[i], frame, info->width, &to_model, &to_picture, &err);
 */

/* The five points of a found face, in the order above. */
void gp_face_five(const gp_face *f, float pts[5][2]);

/* The model's frame into pts: from its file's metadata key
 * ganprior.face_frame (JSON, five [x, y] points in 0..1; a malformed value
 * fails gp_model_load) when present, else the default measured on the
 * project's training faces (engine/faces/frame.c, models/face_frame.py).
 * m may be NULL for the default.  Returns whether the file had its own. */
bool gp_model_face_frame(const gp_model *m, float pts[5][2]);

/* A similarity transform as a 2x3 matrix: a point (x, y) goes to
 * (m[0][0] x + m[0][1] y + m[0][2], m[1][0] x + m[1][1] y + m[1][2]), with
 * m[0][0] = m[1][1] = s cos r and m[1][0] = -m[0][1] = s sin r. */
typedef struct gp_similarity {
    double m[2][3];
} gp_similarity;

/* The similarity taking src[i] nearest to dst[i] in least squares over n
 * >= 2 points (Umeyama 1991, restricted to proper rotations; exact when
 * one exists).  GP_ERR_ARGUMENT when the src (or the dst) points all
 * coincide or a value is not finite. */
gp_status gp_similarity_fit(const float (*src)[2], const float (*dst)[2], int n,
                            gp_similarity *out, gp_error *err);
/* inv (may be t) = t's inverse; t's scale must be non-zero. */
void gp_similarity_invert(const gp_similarity *t, gp_similarity *inv);
/* q (may be p) = t applied to p. */
void gp_similarity_apply(const gp_similarity *t, const float p[2], float q[2]);

/* The similarity taking face's picture pixels into a size x size model
 * image so its five points best match frame * size, into *to_model, and
 * the inverse into *to_picture (either may be NULL).  Points use pixel
 * edges (a pixel's centre at +0.5) in both, as gp_face does. */
gp_status gp_face_align(const gp_face *face, const float frame[5][2], int size,
                        gp_similarity *to_model, gp_similarity *to_picture, gp_error *err);

/* Where models are looked for when a name (not a path) is given:
 * $GANPRIOR_MODEL_PATH, then $XDG_DATA_HOME/ganprior/models, then the
 * installed data dir.  Writes the first existing file into buf. */
gp_status gp_model_find(const char *name, char *buf, size_t size,
                        gp_error *err);

/* The project's own face model: what the front ends load when no model
 * is named (the file name says its size). */
#define GP_DEFAULT_MODEL "faces128.safetensors"

#ifdef __cplusplus
}
#endif
#endif
