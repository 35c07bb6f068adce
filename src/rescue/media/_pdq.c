/*
 * PDQ (Meta's reference algorithm, as wrapped by the pdqhash package), bit-identical and faster.
 *
 * pdqhash computes the luma in float64 numpy, then Meta's C++ runs four Jarosz box-filter passes
 * over the whole picture (serial float32 running sums, one per row or column), decimates to 64x64,
 * computes the quality metric, a 16x16 DCT and one median threshold per dihedral variant.
 * The same float32 and float64 operations are done here in the same order on every value, so every
 * intermediate result is the same bit for bit. Only work that cannot change a result is reordered
 * or skipped:
 *   - a row pass runs four rows side by side (independent chains), then divides a whole row at once;
 *   - a column pass keeps one running sum per column and moves down all columns together;
 *   - the second row pass divides at the 64 decimated columns only, and the second column pass
 *     runs over those 64 columns only (decimation reads no other value).
 * Built with -ffp-contract=off: no multiply-add is fused, as in the reference build.
 * tests/test_media_pdq.py compares hashes, quality and the float DCT output with pdqhash.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LITTLE_ENDIAN_HOST 1
#else
#define LITTLE_ENDIAN_HOST 0
#endif

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static float DCT[16][64];

/* the loops over independent pixels vectorise wider where the CPU has AVX2 (same IEEE results:
   no fused multiply-add, -ffp-contract=off) */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define WIDE __attribute__((target_clones("avx2", "default")))
#else
#define WIDE
#endif

static void init_dct(void) {
    const float scale = (float)sqrt(2.0 / 64.0);
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 64; j++)
            DCT[i][j] = (float)(scale * cos((M_PI / 2.0 / 64.0) * (double)(i + 1) * (double)(2 * j + 1)));
}

/* luma as numpy computes it in pdqhash: r*0.299 + g*0.587 (float64), + b*0.114, rounded to float32 */
WIDE static void luma_rgb(const unsigned char *base, Py_ssize_t rows, Py_ssize_t cols, Py_ssize_t rstride,
                     Py_ssize_t pstride, Py_ssize_t cstride, float *out) {
    for (Py_ssize_t i = 0; i < rows; i++) {
        const unsigned char *p = base + i * rstride;
        float *o = out + i * cols;
        if (pstride == 3 && cstride == 1) {
            for (Py_ssize_t j = 0; j < cols; j++)
                o[j] = (float)((double)p[3 * j] * 0.299 + (double)p[3 * j + 1] * 0.587 + (double)p[3 * j + 2] * 0.114);
        } else if (pstride == 4 && cstride == 1 && LITTLE_ENDIAN_HOST) {
            /* Pillow's own RGB layout (RGBX): one 32-bit load a pixel, which vectorises */
            for (Py_ssize_t j = 0; j < cols; j++) {
                uint32_t px;
                memcpy(&px, p + 4 * j, 4);
                o[j] = (float)((double)(px & 255u) * 0.299 + (double)((px >> 8) & 255u) * 0.587
                               + (double)((px >> 16) & 255u) * 0.114);
            }
        } else {
            for (Py_ssize_t j = 0; j < cols; j++) {
                const unsigned char *q = p + j * pstride;
                o[j] = (float)((double)q[0] * 0.299 + (double)q[cstride] * 0.587 + (double)q[2 * cstride] * 0.114);
            }
        }
    }
}

/* the window size box1DFloat divides by at each output position */
static void window_counts(Py_ssize_t n, int full, float *cnt) {
    int half = (full + 2) / 2, cw = half - 1;
    Py_ssize_t oi = 0;
    for (int k = 0; k < full - half + 1; k++) cnt[oi++] = (float)(++cw);
    for (Py_ssize_t k = 0; k < n - full; k++) cnt[oi++] = (float)cw;
    for (int k = 0; k < half - 1; k++) cnt[oi++] = (float)(--cw);
}

/* the running sums of box1DFloat along one vector: y[k] is the sum divided at output k */
static void sums_one(const float *x, float *y, Py_ssize_t n, int full) {
    int half = (full + 2) / 2;
    float s = 0.0f;
    Py_ssize_t ri = 0, li = 0, oi = 0;
    for (int k = 0; k < half - 1; k++) s += x[ri++];
    for (int k = 0; k < full - half + 1; k++) { s += x[ri++]; y[oi++] = s; }
    for (Py_ssize_t k = 0; k < n - full; k++) { s += x[ri++]; s -= x[li++]; y[oi++] = s; }
    for (int k = 0; k < half - 1; k++) { s -= x[li++]; y[oi++] = s; }
}

/* sums_one on every row, ROWS rows side by side (independent chains: the adds of one row do not
   wait for each other's latency) */
#define ROWS 8
WIDE static void sums_rows(const float *in, float *out, Py_ssize_t rows, Py_ssize_t n, int full) {
    int half = (full + 2) / 2;
    Py_ssize_t i = 0;
    for (; i + ROWS <= rows; i += ROWS) {
        const float *x[ROWS];
        float *y[ROWS], s[ROWS];
        for (int b = 0; b < ROWS; b++) { x[b] = in + (i + b) * n; y[b] = out + (i + b) * n; s[b] = 0.0f; }
        Py_ssize_t ri = 0, li = 0, oi = 0;
        for (int k = 0; k < half - 1; k++, ri++) {
#pragma GCC unroll 8
            for (int b = 0; b < ROWS; b++) s[b] += x[b][ri];
        }
        for (int k = 0; k < full - half + 1; k++, ri++, oi++) {
#pragma GCC unroll 8
            for (int b = 0; b < ROWS; b++) { s[b] += x[b][ri]; y[b][oi] = s[b]; }
        }
        for (Py_ssize_t k = 0; k < n - full; k++, ri++, li++, oi++) {
#pragma GCC unroll 8
            for (int b = 0; b < ROWS; b++) { s[b] += x[b][ri]; s[b] -= x[b][li]; y[b][oi] = s[b]; }
        }
        for (int k = 0; k < half - 1; k++, li++, oi++) {
#pragma GCC unroll 8
            for (int b = 0; b < ROWS; b++) { s[b] -= x[b][li]; y[b][oi] = s[b]; }
        }
    }
    for (; i < rows; i++) sums_one(in + i * n, out + i * n, n, full);
}

/* box1DFloat down every column: one running sum per column (s), all columns moved together */
WIDE static void box_cols(const float *in, float *out, Py_ssize_t n, Py_ssize_t cols, int full, float *s) {
    int half = (full + 2) / 2, cw = 0;
    Py_ssize_t ri = 0, li = 0, oi = 0;
    for (Py_ssize_t j = 0; j < cols; j++) s[j] = 0.0f;
    for (int k = 0; k < half - 1; k++, ri++, cw++) {
        const float *x = in + ri * cols;
        for (Py_ssize_t j = 0; j < cols; j++) s[j] += x[j];
    }
    for (int k = 0; k < full - half + 1; k++, ri++, oi++) {
        const float *x = in + ri * cols;
        float *y = out + oi * cols, f = (float)(++cw);
        for (Py_ssize_t j = 0; j < cols; j++) { s[j] += x[j]; y[j] = s[j] / f; }
    }
    for (Py_ssize_t k = 0; k < n - full; k++, ri++, li++, oi++) {
        const float *x = in + ri * cols, *w = in + li * cols;
        float *y = out + oi * cols, f = (float)cw;
        for (Py_ssize_t j = 0; j < cols; j++) { s[j] += x[j]; s[j] -= w[j]; y[j] = s[j] / f; }
    }
    for (int k = 0; k < half - 1; k++, li++, oi++) {
        const float *w = in + li * cols;
        float *y = out + oi * cols, f = (float)(--cw);
        for (Py_ssize_t j = 0; j < cols; j++) { s[j] -= w[j]; y[j] = s[j] / f; }
    }
}

static int quality_metric(float a[64][64]) {
    int sum = 0;
    for (int i = 0; i < 63; i++)
        for (int j = 0; j < 64; j++) { int d = ((a[i][j] - a[i + 1][j]) * 100) / 255; sum += abs(d); }
    for (int i = 0; i < 64; i++)
        for (int j = 0; j < 63; j++) { int d = ((a[i][j] - a[i][j + 1]) * 100) / 255; sum += abs(d); }
    int q = sum / 90;
    return q > 100 ? 100 : q;
}

static void dct64to16(float a[64][64], float b[16][16]) {
    float t[16][64];
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 64; j++) {
            float s = 0.0f;
            for (int k = 0; k < 64; k++) s += DCT[i][k] * a[k][j];
            t[i][j] = s;
        }
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) {
            float s = 0.0f;
            for (int k = 0; k < 64; k++) s += t[i][k] * DCT[j][k];
            b[i][j] = s;
        }
}

/* Torben Mogensen's median, as in the reference (torben.cpp) */
static float torben(const float *m, int n) {
    int less, greater, equal;
    float lo = m[0], hi = m[0], guess, maxlt, mingt;
    for (int i = 1; i < n; i++) {
        if (m[i] < lo) lo = m[i];
        if (m[i] > hi) hi = m[i];
    }
    for (;;) {
        guess = (lo + hi) / 2;
        less = greater = equal = 0;
        maxlt = lo;
        mingt = hi;
        for (int i = 0; i < n; i++) {
            if (m[i] < guess) { less++; if (m[i] > maxlt) maxlt = m[i]; }
            else if (m[i] > guess) { greater++; if (m[i] < mingt) mingt = m[i]; }
            else equal++;
        }
        if (less <= (n + 1) / 2 && greater <= (n + 1) / 2) break;
        if (less > greater) hi = maxlt; else lo = mingt;
    }
    if (less >= (n + 1) / 2) return maxlt;
    if (less + equal >= (n + 1) / 2) return guess;
    return mingt;
}

/* 32 bytes, most significant first: bit k (= b[k / 16][k % 16] > median) is bit k of the 256-bit number */
static void to_bits(float b[16][16], unsigned char *out) {
    float median = torben(&b[0][0], 256);
    memset(out, 0, 32);
    for (int k = 0; k < 256; k++)
        if (b[k / 16][k % 16] > median) out[31 - k / 8] |= (unsigned char)(1u << (k % 8));
}

/* dct16OriginalTo*: 0 as is, 1 rotate 90, 2 rotate 180, 3 rotate 270, 4 flip x, 5 flip y, 6 flip +1, 7 flip -1 */
static void variant(float a[16][16], int v, float out[16][16]) {
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) {
            float x = a[i][j];
            switch (v) {
            case 0: out[i][j] = x; break;
            case 1: out[j][i] = (j & 1) ? x : -x; break;
            case 2: out[i][j] = ((i + j) & 1) ? -x : x; break;
            case 3: out[j][i] = (i & 1) ? x : -x; break;
            case 4: out[i][j] = (i & 1) ? x : -x; break;
            case 5: out[i][j] = (j & 1) ? x : -x; break;
            case 6: out[j][i] = x; break;
            default: out[j][i] = ((i + j) & 1) ? -x : x; break;
            }
        }
}

/* Scratch memory of one thread, kept between calls: fresh buffers of a few MB from malloc are new
   pages from the kernel each time (page faults and zeroing cost about a fifth of a hash). */
static _Thread_local float *scratch = NULL;
static _Thread_local size_t scratch_floats = 0;

#define KEEP_FLOATS ((size_t)4 << 20) /* at most 16 MB kept per thread; larger pictures get their own */

static float *scratch_for(size_t floats) {
    if (floats > KEEP_FLOATS) return malloc(sizeof(float) * floats);
    if (floats > scratch_floats) {
        float *grown = realloc(scratch, sizeof(float) * floats);
        if (!grown) return NULL;
        scratch = grown;
        scratch_floats = floats;
    }
    return scratch;
}

/* luma (rows x cols, followed by its scratch) -> 64x64 (blur and decimate) */
WIDE static void downsample(float *luma, Py_ssize_t rows, Py_ssize_t cols, float a[64][64]) {
    int wr = (int)((cols + 127) / 128), wc = (int)((rows + 127) / 128);
    Py_ssize_t wide = cols > 64 ? cols : 64;
    float *buf = luma + rows * cols, *cnt = buf + rows * cols, *sums = cnt + cols, *narrow = sums + wide;
    float *narrow2 = narrow + rows * 64;
    window_counts(cols, wr, cnt);
    /* pass 1: rows (luma -> buf) */
    sums_rows(luma, buf, rows, cols, wr);
    for (Py_ssize_t i = 0; i < rows; i++) {
        float *y = buf + i * cols;
        for (Py_ssize_t k = 0; k < cols; k++) y[k] = y[k] / cnt[k];
    }
    /* pass 2: columns (buf -> luma) */
    box_cols(buf, luma, rows, cols, wc, sums);
    /* pass 3: rows (luma -> buf), divided at the decimated columns only */
    sums_rows(luma, buf, rows, cols, wr);
    Py_ssize_t ci[64], ri[64];
    for (int k = 0; k < 64; k++) {
        ci[k] = (Py_ssize_t)(((k + 0.5) * (double)cols) / 64);
        ri[k] = (Py_ssize_t)(((k + 0.5) * (double)rows) / 64);
    }
    for (Py_ssize_t i = 0; i < rows; i++)
        for (int k = 0; k < 64; k++) narrow[i * 64 + k] = buf[i * cols + ci[k]] / cnt[ci[k]];
    /* pass 4: columns, over the decimated columns */
    box_cols(narrow, narrow2, rows, 64, wc, sums);
    for (int k = 0; k < 64; k++)
        for (int m = 0; m < 64; m++) a[k][m] = narrow2[ri[k] * 64 + m];
}

/* hashes (nvariants x 32 bytes) and the 16x16 DCT of the picture; returns quality, or -1 (memory) */
static int pdq(const Py_buffer *view, int nvariants, int copy64, unsigned char *hashes, float dct[16][16]) {
    Py_ssize_t rows = view->shape[0], cols = view->shape[1];
    memset(hashes, 0, (size_t)nvariants * 32);
    memset(dct, 0, sizeof(float) * 256);
    if (rows < 5 || cols < 5) return 0;
    size_t wide = (size_t)(cols > 64 ? cols : 64);
    /* luma, buf (rows x cols each), cnt (cols), sums (wide), narrow and narrow2 (rows x 64 each) */
    size_t floats = 2 * (size_t)rows * (size_t)cols + (size_t)cols + wide + 128 * (size_t)rows;
    float *luma = scratch_for(floats);
    if (!luma) return -1;
    luma_rgb(view->buf, rows, cols, view->strides[0], view->strides[1], view->strides[2], luma);
    float a[64][64];
    if (copy64 && rows == 64 && cols == 64) {
        /* pdqFloat256FromFloatLuma (the single hash, not the dihedral one) takes 64x64 luma as it is */
        memcpy(a, luma, sizeof a);
    } else {
        downsample(luma, rows, cols, a);
    }
    if (floats > KEEP_FLOATS) free(luma);
    int quality = quality_metric(a);
    dct64to16(a, dct);
    float tmp[16][16];
    for (int v = 0; v < nvariants; v++) {
        variant(dct, v, tmp);
        to_bits(tmp, hashes + 32 * v);
    }
    return quality;
}

static int get_view(PyObject *obj, Py_buffer *view) {
    if (PyObject_GetBuffer(obj, view, PyBUF_STRIDES | PyBUF_FORMAT) < 0) return -1;
    if (view->ndim != 3 || view->shape[2] < 3 || view->itemsize != 1 ||
        (view->format && strcmp(view->format, "B") != 0 && strcmp(view->format, "<B") != 0 &&
         strcmp(view->format, "=B") != 0)) {
        PyErr_SetString(PyExc_ValueError, "expected an (height, width, 3) uint8 array");
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

static PyObject *py_hashes(PyObject *self, PyObject *args) {
    PyObject *obj;
    int dihedral = 1;
    Py_buffer view;
    unsigned char hashes[8 * 32];
    float dct[16][16];
    if (!PyArg_ParseTuple(args, "O|p", &obj, &dihedral) || get_view(obj, &view) < 0) return NULL;
    int n = dihedral ? 8 : 1, quality;
    Py_BEGIN_ALLOW_THREADS
    quality = pdq(&view, n, !dihedral, hashes, dct);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    if (quality < 0) return PyErr_NoMemory();
    return Py_BuildValue("(y#i)", (const char *)hashes, (Py_ssize_t)(32 * n), quality);
}

static PyObject *py_dct(PyObject *self, PyObject *args) {
    PyObject *obj;
    Py_buffer view;
    unsigned char hashes[32];
    float dct[16][16];
    if (!PyArg_ParseTuple(args, "O", &obj) || get_view(obj, &view) < 0) return NULL;
    int quality;
    Py_BEGIN_ALLOW_THREADS
    quality = pdq(&view, 1, 1, hashes, dct);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    if (quality < 0) return PyErr_NoMemory();
    return Py_BuildValue("(y#i)", (const char *)dct, (Py_ssize_t)sizeof dct, quality);
}

static PyMethodDef methods[] = {
    {"hashes", py_hashes, METH_VARARGS,
     "hashes(rgb, dihedral=True) -> (bytes, quality): 8 (or 1) PDQ hashes of 32 bytes, most significant first"},
    {"dct", py_dct, METH_VARARGS, "dct(rgb) -> (bytes, quality): the 16x16 float32 DCT block (row-major)"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_pdq", "PDQ, bit-identical to pdqhash", -1, methods};

PyMODINIT_FUNC PyInit__pdq(void) {
    init_dct();
    return PyModule_Create(&module);
}
