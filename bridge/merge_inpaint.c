/* merge_inpaint.c — the generated fill, seamlessly cloned into the hole.
 *
 * The generator's image is a good guess of the hole's content but not of
 * its exact brightness and colour at full resolution.  GEGL's
 * seamless-clone (mean-value-coordinate membrane interpolation, Farbman
 * et al., "Coordinates for Instant Image Cloning", SIGGRAPH 2009) adds
 * to the fill a smooth correction that makes it agree with the image
 * all along the hole's outline.  The operation follows one outline per
 * paste, so each connected part of the selection is cloned on its own,
 * from a paste grown by a few pixels so that its outline runs over known
 * pixels rather than the damaged ones under the selection.  Finally the
 * clone is blended in by the selection's value: pixels it does not cover
 * are never touched, and a feathered selection gives a feathered edge. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* How far (pixels) a paste reaches past the selected pixels. */
enum { GROW = 2 };

typedef struct component {
    int x0, y0, x1, y1; /* bounds, inclusive, region coordinates */
} component;

/* labels[i] = 1 + index of the 8-connected part of cover > 0 that pixel i
 * belongs to, 0 outside; the parts' bounds go to *parts (allocated). */
static int label_parts(const gp_image *cover, int *labels, component **parts)
{
    const int w = cover->width, h = cover->height;
    const size_t n = (size_t)w * h;
    size_t *queue = malloc(n * sizeof *queue);
    int count = 0, cap = 0;
    *parts = NULL;
    if (!queue)
        return -1;
    memset(labels, 0, n * sizeof *labels);
    for (size_t seed = 0; seed < n; seed++) {
        if (cover->data[seed] <= 0.0f || labels[seed])
            continue;
        if (count == cap) {
            cap = cap ? 2 * cap : 16;
            component *grown = realloc(*parts, (size_t)cap * sizeof **parts);
            if (!grown) {
                free(queue);
                return -1;
            }
            *parts = grown;
        }
        component c = { w, h, -1, -1 };
        size_t head = 0, tail = 0;
        labels[seed] = ++count;
        queue[tail++] = seed;
        while (head < tail) {
            const size_t i = queue[head++];
            const int x = (int)(i % (size_t)w), y = (int)(i / (size_t)w);
            c.x0 = x < c.x0 ? x : c.x0;
            c.x1 = x > c.x1 ? x : c.x1;
            c.y0 = y < c.y0 ? y : c.y0;
            c.y1 = y > c.y1 ? y : c.y1;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    const int nx = x + dx, ny = y + dy;
                    if (nx < 0 || ny < 0 || nx >= w || ny >= h)
                        continue;
                    const size_t j = (size_t)ny * w + nx;
                    if (cover->data[j] > 0.0f && !labels[j]) {
                        labels[j] = count;
                        queue[tail++] = j;
                    }
                }
        }
        (*parts)[count - 1] = c;
    }
    free(queue);
    return count;
}

/* The paste for part `label`: the fill over the part grown by GROW,
 * transparent elsewhere in its box `box` (region coordinates). */
static float *make_paste(const gp_image *fill, const int *labels, int label,
                         const GeglRectangle *box)
{
    const int w = fill->width, h = fill->height;
    float *rgba = calloc((size_t)box->width * box->height * 4, sizeof(float));
    if (!rgba)
        return NULL;
    for (int y = 0; y < box->height; y++)
        for (int x = 0; x < box->width; x++) {
            const int rx = box->x + x, ry = box->y + y;
            float *o = rgba + ((size_t)y * box->width + x) * 4;
            memcpy(o, fill->data + ((size_t)ry * w + rx) * 3, 3 * sizeof(float));
            for (int dy = -GROW; dy <= GROW && o[3] == 0.0f; dy++)
                for (int dx = -GROW; dx <= GROW; dx++) {
                    const int nx = rx + dx, ny = ry + dy;
                    if (nx >= 0 && ny >= 0 && nx < w && ny < h &&
                        labels[(size_t)ny * w + nx] == label) {
                        o[3] = 1.0f;
                        break;
                    }
                }
        }
    return rgba;
}

/* Writes the seamless clone of part `label` into out (region-size RGB). */
static gp_status clone_part(GeglBuffer *background, const gpb_pixels *px, const gp_image *fill,
                            const int *labels, int label, const component *c, float *out)
{
    const int w = fill->width, h = fill->height;
    /* One transparent pixel around the grown part gives it an outline. */
    const int margin = GROW + 1;
    GeglRectangle box = { c->x0 - margin, c->y0 - margin, c->x1 - c->x0 + 1 + 2 * margin,
                          c->y1 - c->y0 + 1 + 2 * margin };
    gegl_rectangle_intersect(&box, &box, GEGL_RECTANGLE(0, 0, w, h));
    float *paste = make_paste(fill, labels, label, &box);
    float *cloned = malloc((size_t)box.width * box.height * 4 * sizeof(float));
    if (!paste || !cloned) {
        free(paste);
        free(cloned);
        return GP_ERR_MEMORY;
    }
    const Babl *rgba = babl_format("R'G'B'A float");
    /* The paste in layer coordinates, like the background. */
    const GeglRectangle at = { px->area.x + box.x, px->area.y + box.y, box.width, box.height };
    GeglBuffer *aux = gegl_buffer_linear_new_from_data(paste, rgba, &at, GEGL_AUTO_ROWSTRIDE,
                                                       NULL, NULL);
    GeglNode *graph = gegl_node_new();
    GeglNode *bg = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer",
                                       background, NULL);
    GeglNode *fg = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer", aux,
                                       NULL);
    GeglNode *clone = gegl_node_new_child(graph, "operation", "gegl:seamless-clone", NULL);
    gegl_node_connect_to(bg, "output", clone, "input");
    gegl_node_connect_to(fg, "output", clone, "aux");
    gegl_node_blit(clone, 1.0, &at, rgba, cloned, GEGL_AUTO_ROWSTRIDE, GEGL_BLIT_DEFAULT);
    /* Where the operation finds no outline to follow (a part touching the
     * region's edge all round) it leaves its output transparent: there
     * the plain fill is the best there is. */
    for (int y = 0; y < box.height; y++)
        for (int x = 0; x < box.width; x++) {
            const size_t r = (size_t)(box.y + y) * w + box.x + x, i = (size_t)y * box.width + x;
            if (labels[r] == label)
                memcpy(out + r * 3, (cloned[i * 4 + 3] > 0.0f ? cloned : paste) + i * 4,
                       3 * sizeof(float));
        }
    g_object_unref(graph);
    g_object_unref(aux);
    free(paste);
    free(cloned);
    return GP_OK;
}

gp_status gpb_merge_inpaint(gpb_pixels *px, const gp_image *cover, const gp_image *fill,
                            gp_error *err)
{
    const size_t n = (size_t)cover->width * cover->height;
    int *labels = malloc(n * sizeof *labels);
    float *cloned = malloc(n * 3 * sizeof(float));
    component *parts = NULL;
    const int count = labels && cloned ? label_parts(cover, labels, &parts) : -1;
    GeglBuffer *background = count > 0 ? gpb_to_buffer(&px->rgb, &px->alpha, &px->area) : NULL;
    gp_status s = count < 0 || (count > 0 && !background) ? GP_ERR_MEMORY : GP_OK;
    for (int k = 0; k < count && s == GP_OK; k++)
        s = clone_part(background, px, fill, labels, k + 1, &parts[k], cloned);
    if (s == GP_OK)
        for (size_t i = 0; i < n; i++) {
            const float a = cover->data[i] > 1.0f ? 1.0f : cover->data[i];
            if (a > 0.0f)
                for (int c = 0; c < 3; c++) {
                    float *o = &px->rgb.data[i * 3 + c];
                    *o += a * (cloned[i * 3 + c] - *o);
                }
        }
    if (background)
        g_object_unref(background);
    free(parts);
    free(cloned);
    free(labels);
    return s == GP_OK ? GP_OK : gp_fail(err, s, "out of memory merging the inpainted region");
}
