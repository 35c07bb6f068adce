/*
 * Writing-style features of a batch of texts in one pass per character (rescue.identity.style_batch).
 *
 * The numpy code of style_batch.py computes the same things in about twenty passes over a batch
 * (character properties, word runs, prefix-sum word hashes, kept-word lookup, masking, collapsing spaces,
 * 3-gram codes, counting). Here one loop per character does the masking, the word hashing and the
 * space collapsing; a second loop counts 3-grams. Every result is the same bit for bit (integer
 * arithmetic only, mod 2**64 where numpy wraps): tests/test_identity_stylescan.py compares both paths
 * on hostile text (combining marks, astral characters, NULs, right-to-left text, very long words).
 *
 * The character properties come from Python (tables over all code points filled from str methods), so
 * the Unicode rules are those of the running Python, as in the numpy path.
 * Flags: bit 0 a word character (re's \w), bit 1 a digit (str.isdigit), bit 2 white space (str.isspace).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define NCP 0x110000
#define F_WORD 1
#define F_DIGIT 2
#define F_SPACE 4

static const uint64_t MUL = 0x9E3779B97F4A7C15ULL;
static const uint64_t FIRST = 0x243F6A8885A308D3ULL, LAST = 0x13198A2E03707344ULL;

static inline uint64_t finish(uint64_t h, Py_ssize_t len) {
    h ^= (uint64_t)len * MUL;
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBULL;
    return h ^ (h >> 31);
}

/* the hash of lower[cp[s:e]], as style_batch.span_hashes */
static inline uint64_t span_hash(const uint32_t *cp, const uint32_t *lower, Py_ssize_t s, Py_ssize_t e) {
    uint64_t h = 0, p = 1;
    for (Py_ssize_t j = s; j < e; j++) {
        h += (uint64_t)lower[cp[j]] * p;
        p *= MUL;
    }
    return finish(h, e - s);
}

static inline int64_t neg_id(uint64_t h) { return -1 - (int64_t)(h >> 2); }

/* the kept words as an open-addressing table (slot: the top bits of the hash; value: index + 1) */
typedef struct { int bits; uint64_t *key; Py_ssize_t *val; } Keep;

static int keep_init(Keep *t, const uint64_t *keep, Py_ssize_t n) {
    t->bits = 4;
    while (((Py_ssize_t)1 << t->bits) < 4 * n) t->bits++;
    size_t size = (size_t)1 << t->bits;
    t->key = PyMem_Calloc(size, sizeof(uint64_t));
    t->val = PyMem_Calloc(size, sizeof(Py_ssize_t));
    if (!t->key || !t->val) { PyMem_Free(t->key); PyMem_Free(t->val); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < n; i++) {
        size_t s = (size_t)(keep[i] >> (64 - t->bits));
        while (t->val[s] && t->key[s] != keep[i]) s = (s + 1) & (size - 1);
        if (!t->val[s]) { t->key[s] = keep[i]; t->val[s] = i + 1; }   /* a repeated hash: its first index */
    }
    return 0;
}

static void keep_free(Keep *t) { PyMem_Free(t->key); PyMem_Free(t->val); }

/* index of h among the kept words, or -1 */
static inline Py_ssize_t keep_find(const Keep *t, uint64_t h) {
    size_t mask = ((size_t)1 << t->bits) - 1, s = (size_t)(h >> (64 - t->bits));
    while (t->val[s]) {
        if (t->key[s] == h) return t->val[s] - 1;
        s = (s + 1) & mask;
    }
    return -1;
}

/* ---- buffers ---------------------------------------------------------------------------------- */

typedef struct { Py_buffer b; int ok; } Buf;

static void release(Buf *bs, int n) {
    for (int i = 0; i < n; i++) if (bs[i].ok) { PyBuffer_Release(&bs[i].b); bs[i].ok = 0; }
}

/* a C-contiguous buffer of `size`-byte items (writable if asked); its length in items in *n */
static int get(PyObject *o, Buf *buf, Py_ssize_t size, int writable, Py_ssize_t *n, const char *what) {
    if (PyObject_GetBuffer(o, &buf->b, PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0)) < 0) return -1;
    buf->ok = 1;
    if (buf->b.len % size) {
        PyErr_Format(PyExc_ValueError, "%s: %zd bytes is not a whole number of %zd-byte items", what, buf->b.len,
                     size);
        return -1;
    }
    *n = buf->b.len / size;
    return 0;
}

static int tables_ok(Py_ssize_t nf, Py_ssize_t nl, Py_ssize_t nr) {
    if (nf != NCP || nl != NCP || nr != NCP) {
        PyErr_SetString(PyExc_ValueError, "character tables must cover every code point (0x110000)");
        return 0;
    }
    return 1;
}

static int cp_ok(const uint32_t *cp, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++)
        if (cp[i] >= NCP) { PyErr_Format(PyExc_ValueError, "code point %u at %zd is not Unicode", cp[i], i); return 0; }
    return 1;
}

static int bounds_ok(const int64_t *b, Py_ssize_t nb, Py_ssize_t n, const char *what) {
    if (nb < 1 || b[0] != 0 || b[nb - 1] != n) {
        PyErr_Format(PyExc_ValueError, "%s must run from 0 to the batch length", what);
        return 0;
    }
    for (Py_ssize_t k = 1; k < nb; k++)
        if (b[k] < b[k - 1]) { PyErr_Format(PyExc_ValueError, "%s must not decrease", what); return 0; }
    return 1;
}

/* ---- mask --------------------------------------------------------------------------------------- */

static const char mask_doc[] =
    "mask(cp, bounds, text_bounds, flags, lower, keep, ranks, r, new_bounds, kept_acct, kept_word, first, last,\n"
    "     has, para) -> (len of r, number of kept words)\n"
    "Masks, collapses spaces, ranks over the alphabet and finds the kept words and the named features of a\n"
    "batch (style_batch.mask); the outputs are filled in place (r: len(cp) uint8; kept_*: len(cp) // 2 + 1\n"
    "int64; first, last, para: int64 and has: uint8 per text).";

static PyObject *py_mask(PyObject *self, PyObject *args) {
    PyObject *o[15];
    Buf bs[15];
    memset(bs, 0, sizeof bs);
    Py_ssize_t n, nb, nt, nf, nl, nk, nr, n_r, n_nb, n_ka, n_kw, n_fi, n_la, n_ha, n_pa;
    PyObject *ret = NULL;
    if (!PyArg_ParseTuple(args, "OOOOOOOOOOOOOOO", &o[0], &o[1], &o[2], &o[3], &o[4], &o[5], &o[6], &o[7], &o[8],
                          &o[9], &o[10], &o[11], &o[12], &o[13], &o[14]))
        return NULL;
    if (get(o[0], &bs[0], 4, 0, &n, "cp") < 0 || get(o[1], &bs[1], 8, 0, &nb, "bounds") < 0 ||
        get(o[2], &bs[2], 8, 0, &nt, "text_bounds") < 0 || get(o[3], &bs[3], 1, 0, &nf, "flags") < 0 ||
        get(o[4], &bs[4], 4, 0, &nl, "lower") < 0 || get(o[5], &bs[5], 8, 0, &nk, "keep") < 0 ||
        get(o[6], &bs[6], 1, 0, &nr, "ranks") < 0 || get(o[7], &bs[7], 1, 1, &n_r, "r") < 0 ||
        get(o[8], &bs[8], 8, 1, &n_nb, "new_bounds") < 0 || get(o[9], &bs[9], 8, 1, &n_ka, "kept_acct") < 0 ||
        get(o[10], &bs[10], 8, 1, &n_kw, "kept_word") < 0 || get(o[11], &bs[11], 8, 1, &n_fi, "first") < 0 ||
        get(o[12], &bs[12], 8, 1, &n_la, "last") < 0 || get(o[13], &bs[13], 1, 1, &n_ha, "has") < 0 ||
        get(o[14], &bs[14], 8, 1, &n_pa, "para") < 0)
        goto done;
    if (!tables_ok(nf, nl, nr)) goto done;
    const uint32_t *cp = bs[0].b.buf, *lower = bs[4].b.buf;
    const int64_t *bounds = bs[1].b.buf, *tb = bs[2].b.buf;
    const uint8_t *flags = bs[3].b.buf, *ranks = bs[6].b.buf;
    const uint64_t *keep = bs[5].b.buf;
    uint8_t *r = bs[7].b.buf, *has = bs[13].b.buf;
    int64_t *new_bounds = bs[8].b.buf, *kept_acct = bs[9].b.buf, *kept_word = bs[10].b.buf;
    int64_t *first = bs[11].b.buf, *last = bs[12].b.buf, *para = bs[14].b.buf;
    if (!cp_ok(cp, n) || !bounds_ok(bounds, nb, n, "bounds") || !bounds_ok(tb, nt, n, "text_bounds")) goto done;
    for (Py_ssize_t k = 0; k + 1 < nt; k++)
        if (tb[k + 1] - tb[k] < 2) { PyErr_SetString(PyExc_ValueError, "a text must be wrapped"); goto done; }
    if (n_r < n || n_nb < nb || n_ka < n / 2 + 1 || n_kw < n / 2 + 1 || n_fi < nt - 1 || n_la < nt - 1 ||
        n_ha < nt - 1 || n_pa < nt - 1) {
        PyErr_SetString(PyExc_ValueError, "an output buffer is too small");
        goto done;
    }
    Keep kt_;
    if (keep_init(&kt_, keep, nk) < 0) goto done;
    const uint8_t sp = ranks[32], r_digit = ranks['#'], r_other = ranks['*'];
    Py_ssize_t out = 0, nkept = 0, kb = 0, acct = -1, kt = 0, text = -1;
    Py_ssize_t wstart = -1, wout = 0, run = 0;
    uint64_t h = 0, p = 1;
    int prev_sp = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i <= n; i++) {
        while (kb < nb && bounds[kb] == i) { new_bounds[kb++] = out; acct++; }
        while (kt < nt && tb[kt] == i) { kt++; text++; if (text < nt - 1) para[text] = 0; }
        uint32_t c = i < n ? cp[i] : 0;
        uint8_t f = i < n ? flags[c] : 0;
        if (wstart >= 0 && !(f & F_WORD)) {          /* a word ends before i */
            Py_ssize_t pos = keep_find(&kt_, finish(h, i - wstart));
            if (pos >= 0) {
                kept_acct[nkept] = acct - (bounds[acct] > wstart);   /* the account of the word's start */
                kept_word[nkept++] = pos;
            } else {
                for (Py_ssize_t j = wstart; j < i; j++)
                    r[wout + (j - wstart)] = (flags[cp[j]] & F_DIGIT) ? r_digit : r_other;
            }
            wstart = -1;
        }
        if (i == n) break;
        if (c == 10) run++;
        else if (run) { para[text] += run / 2; run = 0; }
        if (f & F_WORD) {
            if (wstart < 0) { wstart = i; wout = out; h = 0; p = 1; }
            h += (uint64_t)lower[c] * p;
            p *= MUL;
            r[out++] = ranks[c];
            prev_sp = 0;
            continue;
        }
        int is_sp = sp ? ranks[c] == sp : (c == 32 || c == 9);
        if (is_sp && prev_sp) continue;
        prev_sp = is_sp;
        r[out++] = ranks[c];
    }
    if (run && text >= 0 && text < nt - 1) para[text] += run / 2;
    /* per text (wrapped in \x02 ... \x03): its first and last line, stripped, at most 20 characters */
    for (Py_ssize_t k = 0; k + 1 < nt; k++) {
        Py_ssize_t lo = tb[k] + 1, hi = tb[k + 1] - 1, f0 = lo;
        while (f0 < hi && (flags[cp[f0]] & F_SPACE)) f0++;
        has[k] = f0 < hi;
        first[k] = last[k] = 0;
        if (!has[k]) continue;
        Py_ssize_t e = f0;
        while (e < hi && cp[e] != 10) e++;
        while (flags[cp[e - 1]] & F_SPACE) e--;     /* stops after f0, which is not space */
        Py_ssize_t q = hi - 1;
        while (flags[cp[q]] & F_SPACE) q--;         /* stops at f0 at the latest */
        Py_ssize_t ls = q;
        while (ls > lo && cp[ls - 1] != 10) ls--;
        while (flags[cp[ls]] & F_SPACE) ls++;       /* stops at q at the latest */
        first[k] = neg_id(span_hash(cp, lower, f0, f0 + 20 < e ? f0 + 20 : e) ^ FIRST);
        last[k] = neg_id(span_hash(cp, lower, ls > q + 1 - 20 ? ls : q + 1 - 20, q + 1) ^ LAST);
    }
    Py_END_ALLOW_THREADS
    keep_free(&kt_);
    n_r = out;
    ret = Py_BuildValue("nn", n_r, nkept);
done:
    release(bs, 15);
    return ret;
}

/* ---- words --------------------------------------------------------------------------------------- */

static const char words_doc[] =
    "words(cp, flags, lower, starts, ends, hashes) -> number of words\n"
    "The runs of word characters of cp and the hashes of their lower case (style_batch.scan); outputs of\n"
    "len(cp) // 2 + 1 items filled in place.";

static PyObject *py_words(PyObject *self, PyObject *args) {
    PyObject *o[6];
    Buf bs[6];
    memset(bs, 0, sizeof bs);
    Py_ssize_t n, nf, nl, ns, ne, nh;
    PyObject *ret = NULL;
    if (!PyArg_ParseTuple(args, "OOOOOO", &o[0], &o[1], &o[2], &o[3], &o[4], &o[5])) return NULL;
    if (get(o[0], &bs[0], 4, 0, &n, "cp") < 0 || get(o[1], &bs[1], 1, 0, &nf, "flags") < 0 ||
        get(o[2], &bs[2], 4, 0, &nl, "lower") < 0 || get(o[3], &bs[3], 8, 1, &ns, "starts") < 0 ||
        get(o[4], &bs[4], 8, 1, &ne, "ends") < 0 || get(o[5], &bs[5], 8, 1, &nh, "hashes") < 0)
        goto done;
    if (!tables_ok(nf, nl, NCP)) goto done;
    if (ns < n / 2 + 1 || ne < n / 2 + 1 || nh < n / 2 + 1) {
        PyErr_SetString(PyExc_ValueError, "an output buffer is too small");
        goto done;
    }
    const uint32_t *cp = bs[0].b.buf, *lower = bs[2].b.buf;
    const uint8_t *flags = bs[1].b.buf;
    int64_t *starts = bs[3].b.buf, *ends = bs[4].b.buf;
    uint64_t *hashes = bs[5].b.buf;
    if (!cp_ok(cp, n)) goto done;
    Py_ssize_t nw = 0, ws = -1;
    uint64_t h = 0, p = 1;
    for (Py_ssize_t i = 0; i <= n; i++) {
        int w = i < n && (flags[cp[i]] & F_WORD);
        if (w) {
            if (ws < 0) { ws = i; h = 0; p = 1; }
            h += (uint64_t)lower[cp[i]] * p;
            p *= MUL;
        } else if (ws >= 0) {
            starts[nw] = ws; ends[nw] = i; hashes[nw++] = finish(h, i - ws);
            ws = -1;
        }
    }
    ret = PyLong_FromSsize_t(nw);
done:
    release(bs, 6);
    return ret;
}

/* ---- masked character counts -------------------------------------------------------------------- */

static const char char_counts_doc[] =
    "char_counts(cp, flags, lower, keep, counts)\n"
    "Adds to counts (int64 per code point) the characters of cp with the words not in keep masked, as\n"
    "np.bincount(style_batch.masked_codepoints(cp, keep)).";

static PyObject *py_char_counts(PyObject *self, PyObject *args) {
    PyObject *o[5];
    Buf bs[5];
    memset(bs, 0, sizeof bs);
    Py_ssize_t n, nf, nl, nk, nc;
    PyObject *ret = NULL;
    if (!PyArg_ParseTuple(args, "OOOOO", &o[0], &o[1], &o[2], &o[3], &o[4])) return NULL;
    if (get(o[0], &bs[0], 4, 0, &n, "cp") < 0 || get(o[1], &bs[1], 1, 0, &nf, "flags") < 0 ||
        get(o[2], &bs[2], 4, 0, &nl, "lower") < 0 || get(o[3], &bs[3], 8, 0, &nk, "keep") < 0 ||
        get(o[4], &bs[4], 8, 1, &nc, "counts") < 0)
        goto done;
    if (!tables_ok(nf, nl, nc)) goto done;
    const uint32_t *cp = bs[0].b.buf, *lower = bs[2].b.buf;
    const uint8_t *flags = bs[1].b.buf;
    const uint64_t *keep = bs[3].b.buf;
    int64_t *counts = bs[4].b.buf;
    if (!cp_ok(cp, n)) goto done;
    Keep kt_;
    if (keep_init(&kt_, keep, nk) < 0) goto done;
    Py_ssize_t ws = -1;
    uint64_t h = 0, p = 1;
    for (Py_ssize_t i = 0; i <= n; i++) {
        int w = i < n && (flags[cp[i]] & F_WORD);
        if (!w && ws >= 0) {
            if (keep_find(&kt_, finish(h, i - ws)) >= 0)
                for (Py_ssize_t j = ws; j < i; j++) counts[cp[j]]++;
            else
                for (Py_ssize_t j = ws; j < i; j++) counts[(flags[cp[j]] & F_DIGIT) ? '#' : '*']++;
            ws = -1;
        }
        if (i == n) break;
        if (w) {
            if (ws < 0) { ws = i; h = 0; p = 1; }
            h += (uint64_t)lower[cp[i]] * p;
            p *= MUL;
        } else {
            counts[cp[i]]++;
        }
    }
    keep_free(&kt_);
    ret = Py_NewRef(Py_None);
done:
    release(bs, 5);
    return ret;
}

/* ---- the start of each account's text ----------------------------------------------------------- */

static const char keep_region_doc[] =
    "keep_region(cp, bounds, text_bounds, limit, out) -> length\n"
    "Per account the first `limit` characters of its texts joined by line breaks, accounts ended by a NUL\n"
    "(style_profiles._keep_region); out: len(cp) uint32, filled in place.";

static PyObject *py_keep_region(PyObject *self, PyObject *args) {
    PyObject *o[5];
    Buf bs[5];
    memset(bs, 0, sizeof bs);
    Py_ssize_t n, nb, nt, limit, no;
    PyObject *ret = NULL;
    if (!PyArg_ParseTuple(args, "OOOnO", &o[0], &o[1], &o[2], &limit, &o[4])) return NULL;
    if (get(o[0], &bs[0], 4, 0, &n, "cp") < 0 || get(o[1], &bs[1], 8, 0, &nb, "bounds") < 0 ||
        get(o[2], &bs[2], 8, 0, &nt, "text_bounds") < 0 || get(o[4], &bs[4], 4, 1, &no, "out") < 0)
        goto done;
    const uint32_t *cp = bs[0].b.buf;
    const int64_t *bounds = bs[1].b.buf, *tb = bs[2].b.buf;
    uint32_t *out = bs[4].b.buf;
    if (!bounds_ok(bounds, nb, n, "bounds") || !bounds_ok(tb, nt, n, "text_bounds")) goto done;
    if (no < n) { PyErr_SetString(PyExc_ValueError, "the output buffer is too small"); goto done; }
    Py_ssize_t o_ = 0, kt = 0;
    for (Py_ssize_t k = 0; k + 1 < nb; k++) {
        Py_ssize_t idx = 0, end = bounds[k + 1];
        if (end <= bounds[k]) continue;
        for (Py_ssize_t i = bounds[k]; i < end - 1; i++) {
            while (kt < nt && tb[kt] < i) kt++;
            if (kt < nt && tb[kt] == i) continue;              /* a text's \x02 */
            uint32_t c = (kt < nt && tb[kt] == i + 1) ? 10 : cp[i];   /* a text's \x03 becomes a line break */
            if (idx++ < limit) out[o_++] = c;
        }
        out[o_++] = 0;                                          /* the account's last \x03 */
    }
    ret = PyLong_FromSsize_t(o_);
done:
    release(bs, 5);
    return ret;
}

/* ---- 3-grams ------------------------------------------------------------------------------------ */

static const char grams_doc[] =
    "grams(r, bounds, a, table, out, per_row)\n"
    "Counts the 3-grams of a masked batch (alphabet ranks) that stay inside one account: code\n"
    "(r0*a + r1)*a + r2, column table[code] (int32; columns >= out's width are dropped), added to out\n"
    "(int64, accounts x width when per_row, else one row); without table the column is the code.";

static PyObject *py_grams(PyObject *self, PyObject *args) {
    PyObject *o[6];
    Buf bs[6];
    memset(bs, 0, sizeof bs);
    Py_ssize_t n, nb, a, nt = 0, nout, width;
    int per_row;
    PyObject *ret = NULL;
    if (!PyArg_ParseTuple(args, "OOnOOnp", &o[0], &o[1], &a, &o[3], &o[4], &width, &per_row)) return NULL;
    if (get(o[0], &bs[0], 1, 0, &n, "r") < 0 || get(o[1], &bs[1], 8, 0, &nb, "bounds") < 0 ||
        (o[3] != Py_None && get(o[3], &bs[3], 4, 0, &nt, "table") < 0) || get(o[4], &bs[4], 8, 1, &nout, "out") < 0)
        goto done;
    const uint8_t *r = bs[0].b.buf;
    const int64_t *bounds = bs[1].b.buf;
    const int32_t *table = o[3] != Py_None ? bs[3].b.buf : NULL;
    int64_t *out = bs[4].b.buf;
    if (!bounds_ok(bounds, nb, n, "bounds")) goto done;
    if (a < 1 || a > 256 || (table && nt < a * a * a) || width < 1 || nout < width * (per_row ? nb - 1 : 1) ||
        (!table && width < a * a * a)) {
        PyErr_SetString(PyExc_ValueError, "grams: bad alphabet size, table or output");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (r[i] >= a) { PyErr_SetString(PyExc_ValueError, "grams: a rank outside the alphabet"); goto done; }
    Py_BEGIN_ALLOW_THREADS
    /* position i starts a 3-gram of the account that holds i; one that reaches into the next account has
       code 0 (as style_batch.gram_codes) */
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i + 2 < n; i++) {
        while (bounds[k + 1] <= i) k++;
        Py_ssize_t code = bounds[k + 1] - i <= 2 ? 0 : ((Py_ssize_t)r[i] * a + r[i + 1]) * a + r[i + 2];
        Py_ssize_t col = table ? table[code] : code;
        if (col >= 0 && col < width) out[(per_row ? k * width : 0) + col]++;
    }
    Py_END_ALLOW_THREADS
    ret = Py_NewRef(Py_None);
done:
    release(bs, 6);
    return ret;
}

static const char gram_df_doc[] =
    "gram_df(r, bounds, a, table, df)\n"
    "Adds to df (int64 per column) the number of accounts in which each column table[code] of a 3-gram\n"
    "inside the account occurs (columns >= len(df) are dropped).";

static PyObject *py_gram_df(PyObject *self, PyObject *args) {
    PyObject *o[5];
    Buf bs[5];
    memset(bs, 0, sizeof bs);
    Py_ssize_t n, nb, a, nt, ncol;
    PyObject *ret = NULL;
    if (!PyArg_ParseTuple(args, "OOnOO", &o[0], &o[1], &a, &o[3], &o[4])) return NULL;
    if (get(o[0], &bs[0], 1, 0, &n, "r") < 0 || get(o[1], &bs[1], 8, 0, &nb, "bounds") < 0 ||
        get(o[3], &bs[3], 4, 0, &nt, "table") < 0 || get(o[4], &bs[4], 8, 1, &ncol, "df") < 0)
        goto done;
    const uint8_t *r = bs[0].b.buf;
    const int64_t *bounds = bs[1].b.buf;
    const int32_t *table = bs[3].b.buf;
    int64_t *df = bs[4].b.buf;
    if (!bounds_ok(bounds, nb, n, "bounds")) goto done;
    if (a < 1 || a > 256 || nt < a * a * a) { PyErr_SetString(PyExc_ValueError, "gram_df: bad table"); goto done; }
    for (Py_ssize_t i = 0; i < n; i++)
        if (r[i] >= a) { PyErr_SetString(PyExc_ValueError, "gram_df: a rank outside the alphabet"); goto done; }
    Py_ssize_t *seen = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(ncol ? ncol : 1));
    if (!seen) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t c = 0; c < ncol; c++) seen[c] = -1;
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i + 2 < n; i++) {
        while (bounds[k + 1] <= i) k++;
        Py_ssize_t code = bounds[k + 1] - i <= 2 ? 0 : ((Py_ssize_t)r[i] * a + r[i + 1]) * a + r[i + 2];
        Py_ssize_t col = table[code];
        if (col >= 0 && col < ncol && seen[col] != k) { seen[col] = k; df[col]++; }
    }
    PyMem_Free(seen);
    ret = Py_NewRef(Py_None);
done:
    release(bs, 5);
    return ret;
}

static const char add_pairs_doc[] =
    "add_pairs(rows, cols, out, width)\n"
    "out[rows[i], cols[i]] += 1 for every i with 0 <= cols[i] < width (out: int64, rows x width).";

static PyObject *py_add_pairs(PyObject *self, PyObject *args) {
    PyObject *o[3];
    Buf bs[3];
    Py_ssize_t nr, nc, nout, width;
    PyObject *ret = NULL;
    memset(bs, 0, sizeof bs);
    if (!PyArg_ParseTuple(args, "OOOn", &o[0], &o[1], &o[2], &width)) return NULL;
    if (get(o[0], &bs[0], 8, 0, &nr, "rows") < 0 || get(o[1], &bs[1], 8, 0, &nc, "cols") < 0 ||
        get(o[2], &bs[2], 8, 1, &nout, "out") < 0)
        goto done;
    if (nr != nc || width < 1) { PyErr_SetString(PyExc_ValueError, "add_pairs: rows and cols differ"); goto done; }
    const int64_t *rows = bs[0].b.buf, *cols = bs[1].b.buf;
    int64_t *out = bs[2].b.buf;
    Py_ssize_t nrows = nout / width;
    for (Py_ssize_t i = 0; i < nr; i++)
        if (rows[i] < 0 || rows[i] >= nrows) { PyErr_SetString(PyExc_ValueError, "add_pairs: row out of range"); goto done; }
    for (Py_ssize_t i = 0; i < nr; i++)
        if (cols[i] >= 0 && cols[i] < width) out[rows[i] * width + cols[i]]++;
    ret = Py_NewRef(Py_None);
done:
    release(bs, 3);
    return ret;
}

/* ---- UTF-8 --------------------------------------------------------------------------------------- */

static const char utf8_doc[] =
    "utf8(data, out) -> number of code points\n"
    "Decodes UTF-8 (strict: as bytes.decode('utf-8'); ValueError on anything else) into out (uint32, at\n"
    "least len(data) items).";

static PyObject *py_utf8(PyObject *self, PyObject *args) {
    PyObject *o[2];
    Buf bs[2];
    Py_ssize_t n, no;
    PyObject *ret = NULL;
    memset(bs, 0, sizeof bs);
    if (!PyArg_ParseTuple(args, "OO", &o[0], &o[1])) return NULL;
    if (get(o[0], &bs[0], 1, 0, &n, "data") < 0 || get(o[1], &bs[1], 4, 1, &no, "out") < 0) goto done;
    if (no < n) { PyErr_SetString(PyExc_ValueError, "utf8: the output buffer is too small"); goto done; }
    const uint8_t *s = bs[0].b.buf;
    uint32_t *out = bs[1].b.buf;
    Py_ssize_t i = 0, k = 0, bad = -1;
    Py_BEGIN_ALLOW_THREADS
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) {
            out[k++] = c;
            i++;
            while (i + 8 <= n) {                       /* a run of ASCII, 8 bytes at a time */
                uint64_t w;
                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080ULL) break;
                for (int j = 0; j < 8; j++) out[k + j] = s[i + j];
                k += 8;
                i += 8;
            }
            continue;
        }
        uint32_t cp;
        int len;
        if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; len = 2; }
        else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; len = 3; }
        else if ((c & 0xF8) == 0xF0) { cp = c & 0x07; len = 4; }
        else { bad = i; break; }
        if (i + len > n) { bad = i; break; }
        for (int j = 1; j < len; j++) {
            if ((s[i + j] & 0xC0) != 0x80) { bad = i; break; }
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if (bad >= 0) break;
        if ((len == 2 && cp < 0x80) || (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) { bad = i; break; }
        out[k++] = cp;
        i += len;
    }
    Py_END_ALLOW_THREADS
    if (bad >= 0) { PyErr_Format(PyExc_ValueError, "utf8: invalid UTF-8 at byte %zd", bad); goto done; }
    ret = PyLong_FromSsize_t(k);
done:
    release(bs, 2);
    return ret;
}

/* ---- nearest rows ------------------------------------------------------------------------------- */

static const char block_top_doc[] =
    "block_top(sims, m, w, k, col_from, row_idx, row_val, col_idx, col_val)\n"
    "For a block of scores (float32, m rows x w columns, row-major): per row its k highest scores over all\n"
    "columns, and per column c >= col_from its k highest scores over the rows (ties: the lower index;\n"
    "-inf never counts: unfilled places keep index -1 and -inf). Outputs int64 / float32, rows x k and\n"
    "(w - col_from) x k, filled in place.";

static inline void put(int64_t *bi, float *bv, Py_ssize_t k, float v, int64_t j) {
    if (!(v > bv[k - 1])) return;                 /* also drops NaN */
    Py_ssize_t p = k - 1;
    while (p > 0 && v > bv[p - 1]) { bv[p] = bv[p - 1]; bi[p] = bi[p - 1]; p--; }
    bv[p] = v;
    bi[p] = j;
}

static PyObject *py_block_top(PyObject *self, PyObject *args) {
    PyObject *o[5];
    Buf bs[5];
    Py_ssize_t m, w, k, from, ns, nri, nrv, nci, ncv;
    PyObject *ret = NULL;
    memset(bs, 0, sizeof bs);
    if (!PyArg_ParseTuple(args, "OnnnnOOOO", &o[0], &m, &w, &k, &from, &o[1], &o[2], &o[3], &o[4])) return NULL;
    if (get(o[0], &bs[0], 4, 0, &ns, "sims") < 0 || get(o[1], &bs[1], 8, 1, &nri, "row_idx") < 0 ||
        get(o[2], &bs[2], 4, 1, &nrv, "row_val") < 0 || get(o[3], &bs[3], 8, 1, &nci, "col_idx") < 0 ||
        get(o[4], &bs[4], 4, 1, &ncv, "col_val") < 0)
        goto done;
    if (m < 0 || w < 0 || k < 1 || from < 0 || from > w || ns < m * w || nri < m * k || nrv < m * k ||
        nci < (w - from) * k || ncv < (w - from) * k) {
        PyErr_SetString(PyExc_ValueError, "block_top: bad sizes");
        goto done;
    }
    const float *sims = bs[0].b.buf;
    int64_t *ri = bs[1].b.buf, *ci = bs[3].b.buf;
    float *rv = bs[2].b.buf, *cv = bs[4].b.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t x = 0; x < m * k; x++) { ri[x] = -1; rv[x] = -INFINITY; }
    for (Py_ssize_t x = 0; x < (w - from) * k; x++) { ci[x] = -1; cv[x] = -INFINITY; }
    for (Py_ssize_t i = 0; i < m; i++) {
        const float *row = sims + i * w;
        int64_t *bi = ri + i * k;
        float *bv = rv + i * k;
        for (Py_ssize_t j = 0; j < w; j++) put(bi, bv, k, row[j], j);
        for (Py_ssize_t j = from; j < w; j++) put(ci + (j - from) * k, cv + (j - from) * k, k, row[j], i);
    }
    Py_END_ALLOW_THREADS
    ret = Py_NewRef(Py_None);
done:
    release(bs, 5);
    return ret;
}

static PyMethodDef methods[] = {
    {"block_top", py_block_top, METH_VARARGS, block_top_doc},
    {"utf8", py_utf8, METH_VARARGS, utf8_doc},
    {"add_pairs", py_add_pairs, METH_VARARGS, add_pairs_doc},
    {"mask", py_mask, METH_VARARGS, mask_doc},
    {"words", py_words, METH_VARARGS, words_doc},
    {"char_counts", py_char_counts, METH_VARARGS, char_counts_doc},
    {"keep_region", py_keep_region, METH_VARARGS, keep_region_doc},
    {"grams", py_grams, METH_VARARGS, grams_doc},
    {"gram_df", py_gram_df, METH_VARARGS, gram_df_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_stylescan",
                                    "Writing-style features of a batch in one pass (bit-identical to numpy)", -1,
                                    methods};

PyMODINIT_FUNC PyInit__stylescan(void) { return PyModule_Create(&module); }
