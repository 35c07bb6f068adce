/*
 * The hot loop of the mysqldump row reader (readers/mysqldump_rows.py) for the common values, in C.
 *
 * values(buf, pos, vals, maxv) -> (pos, c) reads values of one row from buf[pos:], appending each to
 * the list vals, as long as every value is one the Python hot loop would read the same way:
 *   - a quoted string '…' whose closing quote is in the buffer (same search: the first quote not
 *     escaped by an odd run of backslashes nor doubled), not longer than maxv bytes, followed by a
 *     complete separator; its bytes unescaped exactly as mysqldump_tokens.unescape does;
 *   - an integer -?[0-9]+ or NULL (any case) directly at pos, followed by blanks and a complete
 *     separator (VALUE_SEP's first and third alternatives, which the regex tries first).
 * A separator is ',' (next value), ')' blanks ',' blanks '(' (next row) or ')' blanks ';' (end).
 * It returns at the end of the row: pos after the separator and c its last byte ('(' or ';'). At
 * anything else (blanks or an introducer before a value, another kind of value, a string cut by
 * the end of the buffer or too long, a missing separator) it returns (pos of that value, 0) with
 * the values before it appended: the Python loop then reads that one value its own way. The
 * result is therefore the Python loop's, value for value (tests/test_rowscan.py compares both).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

static inline int is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* A separator at buf[p]: its end (index after it) and last byte, or -1 if none (or cut). */
static Py_ssize_t sep_at(const unsigned char *buf, Py_ssize_t n, Py_ssize_t p, int *c) {
    while (p < n && is_ws(buf[p])) p++;
    if (p >= n) return -1;
    if (buf[p] == ',') { *c = ','; return p + 1; }
    if (buf[p] != ')') return -1;
    p++;
    while (p < n && is_ws(buf[p])) p++;
    if (p >= n) return -1;
    if (buf[p] == ';') { *c = ';'; return p + 1; }
    if (buf[p] != ',') return -1;
    p++;
    while (p < n && is_ws(buf[p])) p++;
    if (p >= n || buf[p] != '(') return -1;
    *c = '(';
    return p + 1;
}

/* mysqldump_tokens.unescape: '\x' pairs and doubled quotes, left to right. */
static PyObject *unescape(const unsigned char *s, Py_ssize_t len) {
    PyObject *out = PyBytes_FromStringAndSize(NULL, len);
    if (out == NULL) return NULL;
    unsigned char *o = (unsigned char *)PyBytes_AS_STRING(out);
    Py_ssize_t k = 0, i = 0;
    while (i < len) {
        unsigned char ch = s[i];
        if (ch == '\\' && i + 1 < len) {
            unsigned char x = s[i + 1];
            switch (x) {
                case '0': o[k++] = 0; break;
                case 'b': o[k++] = '\b'; break;
                case 'n': o[k++] = '\n'; break;
                case 'r': o[k++] = '\r'; break;
                case 't': o[k++] = '\t'; break;
                case 'Z': o[k++] = 0x1a; break;
                case '%': o[k++] = '\\'; o[k++] = '%'; break;
                case '_': o[k++] = '\\'; o[k++] = '_'; break;
                default: o[k++] = x;
            }
            i += 2;
        } else if (ch == '\'' && i + 1 < len && s[i + 1] == '\'') {
            o[k++] = '\'';
            i += 2;
        } else {
            o[k++] = ch;
            i++;
        }
    }
    if (_PyBytes_Resize(&out, k) < 0) return NULL;
    return out;
}

static PyObject *int_of(const unsigned char *s, Py_ssize_t len) {
    Py_ssize_t i = 0;
    int neg = 0;
    if (s[0] == '-') { neg = 1; i = 1; }
    if (len - i <= 18) {
        long long v = 0;
        for (; i < len; i++) v = v * 10 + (s[i] - '0');
        return PyLong_FromLongLong(neg ? -v : v);
    }
    char small[64];
    char *tmp = len < (Py_ssize_t)sizeof(small) ? small : PyMem_Malloc((size_t)len + 1);
    if (tmp == NULL) return PyErr_NoMemory();
    memcpy(tmp, s, (size_t)len);
    tmp[len] = 0;
    PyObject *r = PyLong_FromString(tmp, NULL, 10);
    if (tmp != small) PyMem_Free(tmp);
    return r;
}

static PyObject *values(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t pos, maxv;
    PyObject *vals;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*nO!n", &view, &pos, &PyList_Type, &vals, &maxv)) return NULL;
    const unsigned char *buf = (const unsigned char *)view.buf;
    Py_ssize_t n = view.len;
    int c = 0;
    while (pos >= 0 && pos < n) {
        PyObject *v;
        Py_ssize_t end;
        int sc = 0;
        unsigned char b0 = buf[pos];
        if (b0 == '\'') {
            const unsigned char *q = memchr(buf + pos + 1, '\'', (size_t)(n - pos - 1));
            Py_ssize_t j = q ? q - buf : -1;
            int closed = 0;
            while (0 < j && j < n - 1) {
                if (buf[j - 1] == '\\') {
                    Py_ssize_t i = j - 2;
                    while (buf[i] == '\\') i--;
                    if (((j - i) & 1) == 0) {
                        q = memchr(buf + j + 1, '\'', (size_t)(n - j - 1));
                        j = q ? q - buf : -1;
                        continue;
                    }
                }
                if (buf[j + 1] != '\'') { closed = 1; break; }
                q = j + 2 < n ? memchr(buf + j + 2, '\'', (size_t)(n - j - 2)) : NULL;
                j = q ? q - buf : -1;
            }
            if (!closed) break;
            if (buf[j + 1] == ',') { end = j + 2; sc = ','; }
            else if ((end = sep_at(buf, n, j + 1, &sc)) < 0) break;
            Py_ssize_t len = j - pos - 1;
            if (len > maxv) break;
            const unsigned char *s = buf + pos + 1;
            if (memchr(s, '\\', (size_t)len) || memchr(s, '\'', (size_t)len)) v = unescape(s, len);
            else v = PyBytes_FromStringAndSize((const char *)s, len);
        } else if (b0 == '-' || (b0 >= '0' && b0 <= '9')) {
            Py_ssize_t p = pos + (b0 == '-');
            Py_ssize_t d = p;
            while (p < n && buf[p] >= '0' && buf[p] <= '9') p++;
            if (p == d) break;
            if ((end = sep_at(buf, n, p, &sc)) < 0) break;
            v = int_of(buf + pos, p - pos);
        } else if ((b0 | 0x20) == 'n') {
            if (pos + 4 > n || (buf[pos + 1] | 0x20) != 'u' || (buf[pos + 2] | 0x20) != 'l' ||
                (buf[pos + 3] | 0x20) != 'l')
                break;
            if ((end = sep_at(buf, n, pos + 4, &sc)) < 0) break;
            v = Py_None;
            Py_INCREF(v);
        } else {
            break;
        }
        if (v == NULL) { PyBuffer_Release(&view); return NULL; }
        int bad = PyList_Append(vals, v);
        Py_DECREF(v);
        if (bad < 0) { PyBuffer_Release(&view); return NULL; }
        pos = end;
        if (sc != ',') { c = sc; break; }
    }
    PyBuffer_Release(&view);
    return Py_BuildValue("ni", pos, c);
}

static PyMethodDef methods[] = {
    {"values", values, METH_VARARGS, "Values of one row from buf[pos:] appended to vals: (pos, last separator byte or 0)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_rowscan", NULL, -1, methods};

PyMODINIT_FUNC PyInit__rowscan(void) { return PyModule_Create(&module); }
