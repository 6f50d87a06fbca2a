/*
 * The compiled reader behind references.pubmed_parser: the same Reference
 * dicts as its lxml reader, about ten times faster than Bio.Entrez.read.
 *
 * Why C: the lxml reader spends most of its time creating a Python object for
 * every element and running Python code per field; no faster pure-Python
 * route exists (a regex reader over a callback-free parser was slower still).
 * Here one pass over a record's bytes checks that it is well-formed and builds
 * a small array of nodes, and the fields are read from that array, so only
 * the output's own objects are ever created.
 *
 * The contract that keeps the two readers identical: this reader only takes a
 * record that it is sure to read exactly as the lxml reader does, and gives
 * up on anything else (a comment, CDATA, a DOCTYPE, an undeclared namespace
 * prefix, an unknown entity, a carriage return, an invalid character, a
 * broken rule of the format, ...). The lxml reader then reads that record, so
 * every error message and every rare shape still comes from one place. The
 * rare, intricate field rules (MedlineDate text, DOIs and PMCIDs that are not
 * in their plain form, non-ASCII dates) call the lxml reader's own Python
 * functions with the texts found here.
 *
 * scan(buf, pos) -> (records, pos, incomplete) reads the whole records that
 * follow pos in buf, each possibly after white space, and stops before the
 * first thing that is not one it takes. ``incomplete`` says that a record
 * starts at the returned pos but is not whole in buf: more bytes are needed.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

enum { T_OK = 0, T_FALLBACK = 1, T_INCOMPLETE = 2, T_NOMEM = -1 };

/* libxml2 refuses deeper documents (256) and longer texts (10 MB) unless told otherwise:
   such records, and any this big, are left to the lxml reader. */
#define MAX_DEPTH 64
#define MAX_RECORD (1 << 20)
#define MAX_LISTS 32

typedef struct {
    const char *s;
    Py_ssize_t n;
} Span;

typedef struct {
    Span name;  /* as written, prefix included */
    Span local; /* without the prefix */
    int ns;     /* whether it has a prefix: then it matches no PubMed element */
    int parent, first, last, next;
    int attr0, nattr;
    Span text, tail; /* raw character data: before the first child, after the end tag */
} Node;

typedef struct {
    Span name, value;
} Attr;

typedef struct {
    Span prefix;
    int depth;
} NsDecl;

typedef struct {
    char *p;
    Py_ssize_t n, cap;
} Buf;

typedef struct {
    Node *nodes;
    int nn, ncap;
    Attr *attrs;
    int na, acap;
    NsDecl *decls;
    int nd, dcap;
    Buf t, m, a, h, x; /* text, markup, attribute value, abstract HTML, abstract text */
} Doc;

/* ---------------------------------------------------------------- buffers */

static int buf_reserve(Buf *b, Py_ssize_t more)
{
    if (b->n + more <= b->cap)
        return 0;
    Py_ssize_t cap = b->cap ? b->cap : 1024;
    while (cap < b->n + more)
        cap *= 2;
    char *p = PyMem_Realloc(b->p, cap);
    if (!p)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

static int buf_put(Buf *b, const char *s, Py_ssize_t n)
{
    if (buf_reserve(b, n))
        return -1;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    return 0;
}

#define BUF_LIT(b, lit) buf_put((b), (lit), sizeof(lit) - 1)

static void doc_free(Doc *d)
{
    PyMem_Free(d->nodes);
    PyMem_Free(d->attrs);
    PyMem_Free(d->decls);
    PyMem_Free(d->t.p);
    PyMem_Free(d->m.p);
    PyMem_Free(d->a.p);
    PyMem_Free(d->h.p);
    PyMem_Free(d->x.p);
}

/* ------------------------------------------------------------- characters */

static unsigned char TEXT_SPECIAL[256], NAME_START[256], NAME_CHAR[256];

static void init_tables(void)
{
    for (int c = 0; c < 256; c++) {
        TEXT_SPECIAL[c] = (c < 0x20 && c != '\t' && c != '\n') || c == '<' || c == '&' ||
                          c == ']' || c >= 0x80;
        NAME_START[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':';
        NAME_CHAR[c] = NAME_START[c] || (c >= '0' && c <= '9') || c == '.' || c == '-';
    }
}

/* XML's white space, less the carriage return: a literal one is left to libxml2,
   which turns line ends into new lines. */
#define IS_S(c) ((c) == ' ' || (c) == '\t' || (c) == '\n')

/* The length of the character at p (p[0] >= 0x80): 2 to 4 bytes; 0 when it is not
   valid UTF-8 or not an XML character we take; -1 when the buffer ends inside it.
   C1 controls are allowed in XML 1.0 but left to libxml2, to be safe. */
static int utf8_char(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0], lo = 0x80, hi = 0xBF;
    int n;
    if (c == 0xC2) {
        n = 2;
        lo = 0xA0;
    }
    else if (c >= 0xC3 && c <= 0xDF)
        n = 2;
    else if (c == 0xE0) {
        n = 3;
        lo = 0xA0;
    }
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
        n = 3;
    else if (c == 0xED) {
        n = 3;
        hi = 0x9F;
    }
    else if (c == 0xF0) {
        n = 4;
        lo = 0x90;
    }
    else if (c >= 0xF1 && c <= 0xF3)
        n = 4;
    else if (c == 0xF4) {
        n = 4;
        hi = 0x8F;
    }
    else
        return 0;
    if (end - p < n)
        return -1;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (int i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    if (c == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
        return 0; /* U+FFFE, U+FFFF */
    return n;
}

static int utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static int valid_char(uint32_t v)
{
    return v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0x7E) ||
           (v >= 0xA0 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) ||
           (v >= 0x10000 && v <= 0x10FFFF);
}

static int put_utf8(Buf *b, uint32_t v)
{
    char s[4];
    int n;
    if (v < 0x80) {
        s[0] = (char)v;
        n = 1;
    }
    else if (v < 0x800) {
        s[0] = (char)(0xC0 | (v >> 6));
        s[1] = (char)(0x80 | (v & 0x3F));
        n = 2;
    }
    else if (v < 0x10000) {
        s[0] = (char)(0xE0 | (v >> 12));
        s[1] = (char)(0x80 | ((v >> 6) & 0x3F));
        s[2] = (char)(0x80 | (v & 0x3F));
        n = 3;
    }
    else {
        s[0] = (char)(0xF0 | (v >> 18));
        s[1] = (char)(0x80 | ((v >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((v >> 6) & 0x3F));
        s[3] = (char)(0x80 | (v & 0x3F));
        n = 4;
    }
    return buf_put(b, s, n);
}

/* The length of the white space character at p as str.split() sees it, or 0. */
static int ws_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    if (c < 0x80)
        return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
    Py_ssize_t left = end - p;
    if (c == 0xC2)
        return left >= 2 && (p[1] == 0x85 || p[1] == 0xA0) ? 2 : 0;
    if (left < 3)
        return 0;
    if (c == 0xE1)
        return p[1] == 0x9A && p[2] == 0x80 ? 3 : 0;
    if (c == 0xE2) {
        if (p[1] == 0x80 && (p[2] <= 0x8A || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF))
            return 3;
        return p[1] == 0x81 && p[2] == 0x9F ? 3 : 0;
    }
    if (c == 0xE3)
        return p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
    return 0;
}

/* " ".join(s.split()) in place; returns the new length. */
static Py_ssize_t collapse(char *s, Py_ssize_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    char *out = s;
    int pending = 0;
    while (p < end) {
        int w = ws_len(p, end);
        if (w) {
            p += w;
            pending = out != s;
            continue;
        }
        if (pending) {
            *out++ = ' ';
            pending = 0;
        }
        int k = utf8_len(*p);
        for (int i = 0; i < k; i++)
            *out++ = (char)*p++;
    }
    return out - s;
}

/* str.strip(): the length of s without white space at either end; sets *start. */
static Py_ssize_t strip_bounds(const char *s, Py_ssize_t n, Py_ssize_t *start)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    const unsigned char *first = NULL, *last = p;
    while (p < end) {
        int w = ws_len(p, end);
        if (w) {
            p += w;
            continue;
        }
        if (!first)
            first = p;
        p += utf8_len(*p);
        last = p;
    }
    *start = first ? (const char *)first - s : 0;
    return first ? (const char *)last - (const char *)first : 0;
}

/* XML_SPACE.sub(" ", s).strip() in place: the markup's own spacing. Sets *start. */
static Py_ssize_t collapse_xml_space(char *s, Py_ssize_t n, Py_ssize_t *start)
{
    char *out = s;
    for (Py_ssize_t i = 0; i < n;) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            *out++ = ' ';
            while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
                i++;
        }
        else
            *out++ = s[i++];
    }
    return strip_bounds(s, out - s, start);
}

static int has_non_ws(const char *s, Py_ssize_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        int w = ws_len(p, end);
        if (!w)
            return 1;
        p += w;
    }
    return 0;
}

/* ------------------------------------------------------------- tokenizer */

/* At '&': check a reference; set the character and the bytes it takes. */
static int entity(const unsigned char *p, const unsigned char *end, uint32_t *cp, int *len)
{
    const unsigned char *q = p + 1;
    if (q >= end)
        return T_INCOMPLETE;
    if (*q == '#') {
        int hex = 0, digits = 0;
        uint32_t v = 0;
        if (++q >= end)
            return T_INCOMPLETE;
        if (*q == 'x') {
            hex = 1;
            q++;
        }
        for (;; q++) {
            if (q >= end)
                return T_INCOMPLETE;
            unsigned c = *q, dv;
            if (c >= '0' && c <= '9')
                dv = c - '0';
            else if (hex && c >= 'a' && c <= 'f')
                dv = c - 'a' + 10;
            else if (hex && c >= 'A' && c <= 'F')
                dv = c - 'A' + 10;
            else
                break;
            if (++digits > 7)
                return T_FALLBACK;
            v = v * (hex ? 16 : 10) + dv;
        }
        if (!digits || *q != ';' || !valid_char(v))
            return T_FALLBACK;
        *cp = v;
        *len = (int)(q + 1 - p);
        return T_OK;
    }
    const unsigned char *name = q;
    while (q < end && q - name < 5 && NAME_CHAR[*q])
        q++;
    if (q >= end)
        return T_INCOMPLETE;
    if (*q != ';')
        return T_FALLBACK;
    Py_ssize_t n = q - name;
    if (n == 3 && !memcmp(name, "amp", 3))
        *cp = '&';
    else if (n == 2 && !memcmp(name, "lt", 2))
        *cp = '<';
    else if (n == 2 && !memcmp(name, "gt", 2))
        *cp = '>';
    else if (n == 4 && !memcmp(name, "quot", 4))
        *cp = '"';
    else if (n == 4 && !memcmp(name, "apos", 4))
        *cp = '\'';
    else
        return T_FALLBACK;
    *len = (int)(n + 2);
    return T_OK;
}

/* Character data from *pp to the next '<', checked; *pp is left at the '<'. */
static int scan_text(const unsigned char **pp, const unsigned char *end)
{
    const unsigned char *p = *pp;
    for (;;) {
        while (p < end && !TEXT_SPECIAL[*p])
            p++;
        if (p >= end)
            return T_INCOMPLETE;
        unsigned c = *p;
        if (c == '<') {
            *pp = p;
            return T_OK;
        }
        if (c == '&') {
            uint32_t cp;
            int len, r = entity(p, end, &cp, &len);
            if (r)
                return r;
            p += len;
        }
        else if (c == ']') {
            if (end - p < 3)
                return T_INCOMPLETE;
            if (p[1] == ']' && p[2] == '>')
                return T_FALLBACK;
            p++;
        }
        else if (c >= 0x80) {
            int n = utf8_char(p, end);
            if (n < 0)
                return T_INCOMPLETE;
            if (n == 0)
                return T_FALLBACK;
            p += n;
        }
        else
            return T_FALLBACK; /* a control character or a carriage return */
    }
}

/* A name at *pp, ASCII only: sets its end and where its single colon is (or NULL). */
static int scan_name(const unsigned char **pp, const unsigned char *end, const unsigned char **colon)
{
    const unsigned char *p = *pp, *start = p;
    *colon = NULL;
    if (p >= end)
        return T_INCOMPLETE;
    if (!NAME_START[*p])
        return T_FALLBACK;
    for (; p < end && NAME_CHAR[*p]; p++) {
        if (*p == ':') {
            if (*colon || p == start)
                return T_FALLBACK;
            *colon = p;
        }
    }
    if (p >= end)
        return T_INCOMPLETE;
    if (*colon) {
        const unsigned char *local = *colon + 1;
        /* A local name is an NCName: not empty, not starting with a digit, '.' or '-'. */
        if (local >= p || !(NAME_START[*local] && *local != ':'))
            return T_FALLBACK;
    }
    *pp = p;
    return T_OK;
}

static int span_eq(Span a, Span b)
{
    return a.n == b.n && !memcmp(a.s, b.s, a.n);
}

#define SPAN_IS(span, lit) ((span).n == sizeof(lit) - 1 && !memcmp((span).s, (lit), sizeof(lit) - 1))

static int is_record_name(Span name)
{
    return SPAN_IS(name, "PubmedArticle") || SPAN_IS(name, "PubmedBookArticle") ||
           SPAN_IS(name, "DeleteCitation");
}

/* Make room for one more item in a growing array; returns the new item's index, or -1. */
static int grow(void **items, int *count, int *cap, size_t size)
{
    if (*count == *cap) {
        int more = *cap ? *cap * 2 : 64;
        void *bigger = PyMem_Realloc(*items, more * size);
        if (!bigger)
            return -1;
        *items = bigger;
        *cap = more;
    }
    return (*count)++;
}

static int add_node(Doc *d)
{
    return grow((void **)&d->nodes, &d->nn, &d->ncap, sizeof(Node));
}

static int add_attr(Doc *d)
{
    return grow((void **)&d->attrs, &d->na, &d->acap, sizeof(Attr));
}

static int add_decl(Doc *d, Span prefix, int depth)
{
    int i = grow((void **)&d->decls, &d->nd, &d->dcap, sizeof(NsDecl));
    if (i < 0)
        return -1;
    d->decls[i].prefix = prefix;
    d->decls[i].depth = depth;
    return 0;
}

#define XML_NS "http://www.w3.org/XML/1998/namespace"
#define XMLNS_NS "http://www.w3.org/2000/xmlns/"

/* The attributes of a start tag, up to and including its '>' or '/>'. */
static int scan_attrs(Doc *d, int node, int depth, const unsigned char **pp,
                      const unsigned char *end, int *empty)
{
    const unsigned char *p = *pp;
    Node *n = &d->nodes[node];
    n->attr0 = d->na;
    n->nattr = 0;
    for (;;) {
        int spaced = 0;
        while (p < end && IS_S(*p)) {
            p++;
            spaced = 1;
        }
        if (p >= end)
            return T_INCOMPLETE;
        if (*p == '>') {
            *pp = p + 1;
            *empty = 0;
            return T_OK;
        }
        if (*p == '/') {
            if (p + 1 >= end)
                return T_INCOMPLETE;
            if (p[1] != '>')
                return T_FALLBACK;
            *pp = p + 2;
            *empty = 1;
            return T_OK;
        }
        if (!spaced)
            return T_FALLBACK;
        const unsigned char *name = p, *colon;
        int r = scan_name(&p, end, &colon);
        if (r)
            return r;
        Span aname = {(const char *)name, p - name};
        while (p < end && IS_S(*p))
            p++;
        if (p >= end)
            return T_INCOMPLETE;
        if (*p++ != '=')
            return T_FALLBACK;
        while (p < end && IS_S(*p))
            p++;
        if (p >= end)
            return T_INCOMPLETE;
        unsigned char quote = *p++;
        if (quote != '"' && quote != '\'')
            return T_FALLBACK;
        const unsigned char *value = p;
        for (;;) {
            if (p >= end)
                return T_INCOMPLETE;
            unsigned c = *p;
            if (c == quote)
                break;
            if (c == '<')
                return T_FALLBACK;
            if (c == '&') {
                uint32_t cp;
                int len;
                r = entity(p, end, &cp, &len);
                if (r)
                    return r;
                p += len;
            }
            else if (c >= 0x80) {
                int k = utf8_char(p, end);
                if (k < 0)
                    return T_INCOMPLETE;
                if (k == 0)
                    return T_FALLBACK;
                p += k;
            }
            else if (c < 0x20 && c != '\t' && c != '\n')
                return T_FALLBACK;
            else
                p++;
        }
        Span avalue = {(const char *)value, p - value};
        p++;
        if (colon) {
            /* Only prefix declarations: a prefixed attribute is left to libxml2. */
            Span prefix = {(const char *)colon + 1, aname.s + aname.n - ((const char *)colon + 1)};
            if ((const char *)colon - aname.s != 5 || memcmp(aname.s, "xmlns", 5))
                return T_FALLBACK;
            if (SPAN_IS(prefix, "xml") || SPAN_IS(prefix, "xmlns") || avalue.n == 0 ||
                SPAN_IS(avalue, XML_NS) || SPAN_IS(avalue, XMLNS_NS) ||
                memchr(avalue.s, '&', avalue.n))
                return T_FALLBACK;
            if (add_decl(d, prefix, depth))
                return T_NOMEM;
        }
        else if (SPAN_IS(aname, "xmlns"))
            return T_FALLBACK; /* a default namespace would rename every element under it */
        for (int i = 0; i < n->nattr; i++)
            if (span_eq(d->attrs[n->attr0 + i].name, aname))
                return T_FALLBACK;
        int a = add_attr(d);
        if (a < 0)
            return T_NOMEM;
        n = &d->nodes[node];
        d->attrs[a].name = aname;
        d->attrs[a].value = avalue;
        n->nattr++;
    }
}

static int prefix_bound(Doc *d, Span prefix)
{
    for (int i = d->nd - 1; i >= 0; i--)
        if (span_eq(d->decls[i].prefix, prefix))
            return 1;
    return 0;
}

/* Read one record from start (its '<') into d; sets *rec_end after its end tag. */
static int tokenize(Doc *d, const unsigned char *start, const unsigned char *end,
                    const unsigned char **rec_end)
{
    const unsigned char *p = start;
    int cur = -1, prev = -1, depth = 0;
    d->nn = d->na = d->nd = 0;
    for (;;) {
        /* At a '<'. */
        if (p + 1 >= end)
            return T_INCOMPLETE;
        if (p[1] == '/') {
            Node *n = &d->nodes[cur];
            const unsigned char *q = p + 2;
            if (end - q < n->name.n + 1)
                return T_INCOMPLETE;
            if (memcmp(q, n->name.s, n->name.n) || NAME_CHAR[q[n->name.n]])
                return T_FALLBACK;
            q += n->name.n;
            while (q < end && IS_S(*q))
                q++;
            if (q >= end)
                return T_INCOMPLETE;
            if (*q != '>')
                return T_FALLBACK;
            p = q + 1;
            depth--;
            while (d->nd && d->decls[d->nd - 1].depth > depth)
                d->nd--;
            prev = cur;
            cur = n->parent;
            if (cur < 0) {
                *rec_end = p;
                return T_OK;
            }
        }
        else if (p[1] == '!' || p[1] == '?')
            return T_FALLBACK; /* comment, CDATA, DOCTYPE, processing instruction */
        else {
            const unsigned char *name = p + 1, *colon;
            p = name;
            int r = scan_name(&p, end, &colon);
            if (r)
                return r;
            int node = add_node(d);
            if (node < 0)
                return T_NOMEM;
            Node *n = &d->nodes[node];
            n->name.s = (const char *)name;
            n->name.n = p - name;
            n->ns = colon != NULL;
            n->local.s = colon ? (const char *)colon + 1 : n->name.s;
            n->local.n = colon ? p - (colon + 1) : n->name.n;
            n->parent = cur;
            n->first = n->last = n->next = -1;
            n->text.n = n->tail.n = 0;
            n->text.s = n->tail.s = NULL;
            if (cur >= 0) {
                /* Another record's start tag inside this one: the lxml reader cuts there. */
                if (!n->ns && is_record_name(n->name))
                    return T_FALLBACK;
                Node *parent = &d->nodes[cur];
                if (parent->last >= 0)
                    d->nodes[parent->last].next = node;
                else
                    parent->first = node;
                parent->last = node;
            }
            int empty;
            r = scan_attrs(d, node, depth + 1, &p, end, &empty);
            if (r)
                return r;
            n = &d->nodes[node];
            if (n->ns) {
                Span prefix = {n->name.s, n->local.s - 1 - n->name.s};
                if (!prefix_bound(d, prefix))
                    return T_FALLBACK;
            }
            if (empty) {
                if (cur < 0)
                    return T_FALLBACK; /* <PubmedArticle/>: no end tag to cut at */
                while (d->nd && d->decls[d->nd - 1].depth > depth)
                    d->nd--;
                prev = node;
            }
            else {
                if (++depth > MAX_DEPTH)
                    return T_FALLBACK;
                cur = node;
                prev = -1;
            }
        }
        const unsigned char *text = p;
        int r = scan_text(&p, end);
        if (p - start > MAX_RECORD)
            return T_FALLBACK;
        if (r)
            return r;
        if (p > text) {
            Span *span = prev >= 0 ? &d->nodes[prev].tail : &d->nodes[cur].text;
            span->s = (const char *)text;
            span->n = p - text;
        }
    }
}

/* ------------------------------------------------------------- decoding */

enum { AS_TEXT, AS_MARKUP, AS_ATTR };

static int put_escaped(Buf *b, uint32_t c)
{
    if (c == '&')
        return BUF_LIT(b, "&amp;");
    if (c == '<')
        return BUF_LIT(b, "&lt;");
    if (c == '>')
        return BUF_LIT(b, "&gt;");
    return put_utf8(b, c);
}

/* Append raw character data, references resolved; escaped as HTML for markup. */
static int put_span(Buf *b, Span s, int mode)
{
    const unsigned char *p = (const unsigned char *)s.s, *end = p + s.n;
    if (buf_reserve(b, s.n))
        return -1;
    while (p < end) {
        const unsigned char *run = p;
        while (p < end && *p != '&' && !(mode == AS_MARKUP && (*p == '>' || *p == '<')) &&
               !(mode == AS_ATTR && (*p == '\t' || *p == '\n')))
            p++;
        if (p > run && buf_put(b, (const char *)run, p - run))
            return -1;
        if (p >= end)
            break;
        uint32_t c;
        int len;
        if (*p == '&')
            entity(p, end, &c, &len); /* checked by the tokenizer */
        else {
            c = mode == AS_ATTR ? ' ' : *p;
            len = 1;
        }
        p += len;
        if ((mode == AS_MARKUP ? put_escaped(b, c) : put_utf8(b, c)))
            return -1;
    }
    return 0;
}

static int put_escaped_bytes(Buf *b, const char *s, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        char c = s[i];
        int r = c == '&' ? BUF_LIT(b, "&amp;")
              : c == '<' ? BUF_LIT(b, "&lt;")
              : c == '>' ? BUF_LIT(b, "&gt;")
                         : buf_put(b, &s[i], 1);
        if (r)
            return -1;
    }
    return 0;
}

static PyObject *str_of(const char *s, Py_ssize_t n)
{
    return PyUnicode_DecodeUTF8(s, n, NULL);
}

/* ----------------------------------------------------------- navigation */

static int child_n(Doc *d, int parent, const char *tag, Py_ssize_t n)
{
    if (parent < 0)
        return -1;
    for (int c = d->nodes[parent].first; c >= 0; c = d->nodes[c].next) {
        Node *node = &d->nodes[c];
        if (!node->ns && node->name.n == n && !memcmp(node->name.s, tag, n))
            return c;
    }
    return -1;
}

static int next_n(Doc *d, int node, const char *tag, Py_ssize_t n)
{
    for (int c = d->nodes[node].next; c >= 0; c = d->nodes[c].next) {
        Node *sib = &d->nodes[c];
        if (!sib->ns && sib->name.n == n && !memcmp(sib->name.s, tag, n))
            return c;
    }
    return -1;
}

#define CHILD(d, parent, lit) child_n((d), (parent), (lit), sizeof(lit) - 1)
#define NEXT(d, node, lit) next_n((d), (node), (lit), sizeof(lit) - 1)
#define EACH(d, var, parent, lit) \
    for (int var = CHILD(d, parent, lit); var >= 0; var = NEXT(d, var, lit))

/* The first <x> among the children of every <y> child of parent, in document order. */
static int grandchild_n(Doc *d, int parent, const char *y, Py_ssize_t ny, const char *x,
                        Py_ssize_t nx)
{
    for (int c = child_n(d, parent, y, ny); c >= 0; c = next_n(d, c, y, ny)) {
        int g = child_n(d, c, x, nx);
        if (g >= 0)
            return g;
    }
    return -1;
}

#define GRANDCHILD(d, parent, y, x) grandchild_n((d), (parent), (y), sizeof(y) - 1, (x), sizeof(x) - 1)

static const Attr *attr_n(Doc *d, int node, const char *name, Py_ssize_t n)
{
    Node *e = &d->nodes[node];
    for (int i = 0; i < e->nattr; i++) {
        const Attr *a = &d->attrs[e->attr0 + i];
        if (a->name.n == n && !memcmp(a->name.s, name, n))
            return a;
    }
    return NULL;
}

/* The attribute's value, decoded into d->a; NULL (and no error) when it is absent. */
static const Attr *attr_value(Doc *d, int node, const char *name, Py_ssize_t n, int *err)
{
    const Attr *a = attr_n(d, node, name, n);
    *err = 0;
    d->a.n = 0;
    if (a && put_span(&d->a, a->value, AS_ATTR))
        *err = 1;
    return a;
}

/* element.get(name) == lit; with a default for an absent attribute. */
static int attr_is_n(Doc *d, int node, const char *name, Py_ssize_t n, const char *lit,
                     Py_ssize_t nl, int absent)
{
    const Attr *a = attr_n(d, node, name, n);
    if (!a)
        return absent;
    if (!memchr(a->value.s, '&', a->value.n) && !memchr(a->value.s, '\t', a->value.n) &&
        !memchr(a->value.s, '\n', a->value.n))
        return a->value.n == nl && !memcmp(a->value.s, lit, nl);
    int err;
    attr_value(d, node, name, n, &err);
    return !err && d->a.n == nl && !memcmp(d->a.p, lit, nl);
}

#define ATTR_IS(d, node, name, lit, absent) \
    attr_is_n((d), (node), (name), sizeof(name) - 1, (lit), sizeof(lit) - 1, (absent))

/* element.get(name): a str, or None. */
static PyObject *attr_str_n(Doc *d, int node, const char *name, Py_ssize_t n)
{
    int err;
    if (!attr_value(d, node, name, n, &err))
        Py_RETURN_NONE;
    return err ? PyErr_NoMemory() : str_of(d->a.p, d->a.n);
}

#define ATTR_STR(d, node, lit) attr_str_n((d), (node), (lit), sizeof(lit) - 1)

/* ------------------------------------------------------------------ text */

/* "".join(element.itertext()), appended to b. */
static int itertext(Doc *d, int node, Buf *b)
{
    Node *n = &d->nodes[node];
    if (n->text.n && put_span(b, n->text, AS_TEXT))
        return -1;
    for (int c = n->first; c >= 0; c = d->nodes[c].next) {
        if (itertext(d, c, b))
            return -1;
        if (d->nodes[c].tail.n && put_span(b, d->nodes[c].tail, AS_TEXT))
            return -1;
    }
    return 0;
}

/* _plain(element): its text, tags dropped and white space collapsed; None when empty. */
static PyObject *plain(Doc *d, int node)
{
    if (node < 0)
        Py_RETURN_NONE;
    Node *n = &d->nodes[node];
    if (n->first < 0 && n->text.n == 0)
        Py_RETURN_NONE;
    d->t.n = 0;
    if (itertext(d, node, &d->t))
        return NULL;
    Py_ssize_t length = collapse(d->t.p, d->t.n);
    if (!length)
        Py_RETURN_NONE;
    return str_of(d->t.p, length);
}

static const char *const INLINE_TAGS[] = {"i", "b", "u", "sup", "sub", NULL};
static const char *const MATHML_TAGS[] = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup",
    "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mmultiscripts",
    "mprescripts", "none", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom",
    "menclose", "mfenced", "merror", "semantics", NULL};
static const char *const MATHML_TOKENS[] = {"mi", "mn", "mo", "ms", "mtext", NULL};
static const char *const MATHML_DROPPED[] = {"annotation", "annotation-xml", NULL};

static int in_set(Span name, const char *const *set)
{
    for (; *set; set++)
        if ((Py_ssize_t)strlen(*set) == name.n && !memcmp(*set, name.s, name.n))
            return 1;
    return 0;
}

static int put_tag(Buf *b, Span name, int closing)
{
    return buf_put(b, closing ? "</" : "<", closing ? 2 : 1) || buf_put(b, name.s, name.n) ||
           buf_put(b, ">", 1);
}

/* Whether raw character data holds anything but white space, once decoded. */
static int span_has_text(Doc *d, Span s, int *err)
{
    if (!memchr(s.s, '&', s.n))
        return has_non_ws(s.s, s.n);
    d->a.n = 0;
    if (put_span(&d->a, s, AS_TEXT)) {
        *err = 1;
        return 0;
    }
    return has_non_ws(d->a.p, d->a.n);
}

static int math_text(Doc *d, int node)
{
    Node *n = &d->nodes[node];
    if (in_set(n->local, MATHML_DROPPED))
        return 0;
    if (in_set(n->local, MATHML_TOKENS))
        return itertext(d, node, &d->t);
    int split = -1;
    if (SPAN_IS(n->local, "mmultiscripts")) {
        int i = 0;
        for (int c = n->first; c >= 0; c = d->nodes[c].next, i++)
            if (SPAN_IS(d->nodes[c].local, "mprescripts")) {
                split = i;
                break;
            }
    }
    if (split < 0) {
        for (int c = n->first; c >= 0; c = d->nodes[c].next)
            if (math_text(d, c))
                return -1;
        return 0;
    }
    /* base, post-scripts, <mprescripts/>, pre-scripts: the pre-scripts come first ("3He"). */
    int i = 0;
    for (int c = n->first; c >= 0; c = d->nodes[c].next, i++)
        if (i > split && math_text(d, c))
            return -1;
    i = 0;
    for (int c = n->first; c >= 0 && i < split; c = d->nodes[c].next, i++)
        if (math_text(d, c))
            return -1;
    return 0;
}

static int math_html(Doc *d, int node)
{
    Node *n = &d->nodes[node];
    if (in_set(n->local, MATHML_DROPPED))
        return 0;
    int keep = in_set(n->local, MATHML_TAGS), err = 0;
    if (keep && put_tag(&d->m, n->local, 0))
        return -1;
    if (n->text.n &&
        (in_set(n->local, MATHML_TOKENS) || span_has_text(d, n->text, &err) || err)) {
        if (err || put_span(&d->m, n->text, AS_MARKUP))
            return -1;
    }
    for (int c = n->first; c >= 0; c = d->nodes[c].next) {
        if (math_html(d, c))
            return -1;
        Span tail = d->nodes[c].tail;
        if (tail.n && (span_has_text(d, tail, &err) || err)) {
            if (err || put_span(&d->m, tail, AS_MARKUP))
                return -1;
        }
    }
    if (keep && put_tag(&d->m, n->local, 1))
        return -1;
    return 0;
}

static int walk(Doc *d, int node)
{
    Node *n = &d->nodes[node];
    if (n->text.n && (put_span(&d->t, n->text, AS_TEXT) || put_span(&d->m, n->text, AS_MARKUP)))
        return -1;
    for (int c = n->first; c >= 0; c = d->nodes[c].next) {
        Span name = d->nodes[c].local;
        if (SPAN_IS(name, "math")) {
            if (math_text(d, c) || math_html(d, c))
                return -1;
        }
        else if (in_set(name, INLINE_TAGS)) {
            if (put_tag(&d->m, name, 0) || walk(d, c) || put_tag(&d->m, name, 1))
                return -1;
        }
        else if (walk(d, c))
            return -1;
        Span tail = d->nodes[c].tail;
        if (tail.n && (put_span(&d->t, tail, AS_TEXT) || put_span(&d->m, tail, AS_MARKUP)))
            return -1;
    }
    return 0;
}

/* _rich(element) into the buffers: the plain text is d->t[0:*tn], the HTML d->m[*m0:*m0+*mn]. */
static int rich_bufs(Doc *d, int node, Py_ssize_t *tn, Py_ssize_t *m0, Py_ssize_t *mn)
{
    d->t.n = d->m.n = 0;
    *tn = *m0 = *mn = 0;
    if (node < 0)
        return 0;
    if (walk(d, node))
        return -1;
    *tn = collapse(d->t.p, d->t.n);
    *mn = collapse_xml_space(d->m.p, d->m.n, m0);
    return 0;
}

/* (plain text, safe HTML) of a mixed-content element; each None when empty. */
static int rich(Doc *d, int node, PyObject **text, PyObject **html)
{
    Py_ssize_t tn, m0, mn;
    *text = *html = NULL;
    if (rich_bufs(d, node, &tn, &m0, &mn)) {
        PyErr_NoMemory();
        return -1;
    }
    *text = tn ? str_of(d->t.p, tn) : Py_NewRef(Py_None);
    *html = mn ? str_of(d->m.p + m0, mn) : Py_NewRef(Py_None);
    if (!*text || !*html) {
        Py_CLEAR(*text);
        Py_CLEAR(*html);
        return -1;
    }
    return 0;
}

/* --------------------------------------------------------------- fields */

static PyObject *ParsedRecord, *PubDateOf, *FullDateOf, *DoiOrNone, *PmcidOf;

enum {
    F_KIND, F_PMID, F_PMID_VERSION, F_DOI, F_PMCID, F_URL, F_TITLE, F_TITLE_HTML,
    F_VERNACULAR_TITLE, F_AUTHORS, F_JOURNAL, F_JOURNAL_ABBREV, F_VOLUME, F_ISSUE, F_PAGES,
    F_YEAR, F_PUBLISHED, F_MEDLINE_DATE, F_EPUB_DATE, F_ABSTRACT, F_ABSTRACT_SECTIONS,
    F_PUBLICATION_TYPES, F_MESH_TERMS, F_LANGUAGE, F_RETRACTED, F_RETRACTION_PMIDS,
    F_ERRATUM_PMIDS, F_CONCERN_PMIDS, F_SEASON, F_ABSTRACT_HTML, F_LANGUAGES,
    F_COMMENTS_CORRECTIONS, F_MEDLINE_STATUS, F_DATE_REVISED, F_BOOK_TITLE, F_BOOK_ACCESSION,
    F_PUBLISHER, F_PUBLISHER_LOCATION, F_EDITORS, N_FIELDS
};

/* Must be references.pubmed_parser.FIELDS, in its order: setup() checks. */
static const char *const FIELD_NAMES[N_FIELDS] = {
    "kind", "pmid", "pmid_version", "doi", "pmcid", "url", "title", "title_html",
    "vernacular_title", "authors", "journal", "journal_abbrev", "volume", "issue", "pages",
    "year", "published", "medline_date", "epub_date", "abstract", "abstract_sections",
    "publication_types", "mesh_terms", "language", "retracted", "retraction_pmids",
    "erratum_pmids", "concern_pmids", "season", "abstract_html", "languages",
    "comments_corrections", "medline_status", "date_revised", "book_title", "book_accession",
    "publisher", "publisher_location", "editors"};
static const int LIST_FIELD[] = {
    F_AUTHORS, F_ABSTRACT_SECTIONS, F_PUBLICATION_TYPES, F_MESH_TERMS, F_RETRACTION_PMIDS,
    F_ERRATUM_PMIDS, F_CONCERN_PMIDS, F_LANGUAGES, F_COMMENTS_CORRECTIONS, F_EDITORS, -1};

enum { K_FAMILY, K_GIVEN, K_INITIALS, K_COLLECTIVE, K_LABEL, K_CATEGORY, K_TEXT, K_TYPE,
       K_PMID, K_SOURCE, K_ARTICLE, K_BOOK, K_RETRACTED_TYPE, N_KEYS };
static const char *const KEY_NAMES[N_KEYS] = {
    "family", "given", "initials", "collective", "label", "category", "text", "type", "pmid",
    "source", "article", "book", "Retracted Publication"};

static PyObject *FIELD_KEYS[N_FIELDS], *KEYS[N_KEYS];

/* Set a field, taking the reference to value; -1 if value is NULL or setting fails. */
static int set(PyObject *data, int field, PyObject *value)
{
    if (!value)
        return -1;
    int r = PyDict_SetItem(data, FIELD_KEYS[field], value);
    Py_DECREF(value);
    return r;
}

static int set_key(PyObject *dict, int key, PyObject *value)
{
    if (!value)
        return -1;
    int r = PyDict_SetItem(dict, KEYS[key], value);
    Py_DECREF(value);
    return r;
}

static int append(PyObject *list, PyObject *value)
{
    if (!value)
        return -1;
    int r = PyList_Append(list, value);
    Py_DECREF(value);
    return r;
}

/* Append value unless it is None, taking the reference; -1 if value is NULL. */
static int append_unless_none(PyObject *list, PyObject *value)
{
    if (value == Py_None) {
        Py_DECREF(value);
        return 0;
    }
    return append(list, value);
}

/* A new dict with every field: None, [] for lists, False for "retracted". */
static PyObject *new_reference(int kind)
{
    PyObject *data = PyDict_New();
    if (!data)
        return NULL;
    for (int i = 0; i < N_FIELDS; i++)
        if (PyDict_SetItem(data, FIELD_KEYS[i], Py_None))
            goto fail;
    for (const int *f = LIST_FIELD; *f >= 0; f++)
        if (set(data, *f, PyList_New(0)))
            goto fail;
    if (PyDict_SetItem(data, FIELD_KEYS[F_RETRACTED], Py_False) ||
        PyDict_SetItem(data, FIELD_KEYS[F_KIND], KEYS[kind]))
        goto fail;
    return data;
fail:
    Py_DECREF(data);
    return NULL;
}

static PyObject *field(PyObject *data, int f)
{
    return PyDict_GetItem(data, FIELD_KEYS[f]); /* borrowed, always there */
}

static int ascii_digits(const char *s, Py_ssize_t n)
{
    if (!n)
        return 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int small_number(const char *s, Py_ssize_t n)
{
    int value = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        value = value * 10 + (s[i] - '0');
    return value;
}

/* Drop the leading zeros of a digit string, keeping its last digit. */
static void skip_zeros(const char **s, Py_ssize_t *n)
{
    while (*n > 1 && **s == '0') {
        (*s)++;
        (*n)--;
    }
}

static int is_ascii(const char *s, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* _pmid(element): the PMID without leading zeros and its version; fallback when invalid. */
static int pmid(Doc *d, int node, PyObject *data)
{
    if (node < 0)
        return T_FALLBACK;
    d->t.n = 0;
    if (itertext(d, node, &d->t))
        return T_NOMEM;
    Py_ssize_t n = collapse(d->t.p, d->t.n);
    const char *s = d->t.p;
    if (!ascii_digits(s, n))
        return T_FALLBACK;
    skip_zeros(&s, &n);
    if (*s == '0')
        return T_FALLBACK;
    long version = 1;
    int err;
    if (attr_value(d, node, "Version", 7, &err) && ascii_digits(d->a.p, d->a.n)) {
        const char *v = d->a.p;
        Py_ssize_t vn = d->a.n;
        skip_zeros(&v, &vn);
        if (vn > 9)
            return T_FALLBACK;
        version = small_number(v, vn);
    }
    if (err)
        return T_NOMEM;
    if (set(data, F_PMID, str_of(s, n)) || set(data, F_PMID_VERSION, PyLong_FromLong(version)))
        return T_NOMEM;
    return T_OK;
}

/* The first non-empty value of the given IdType in an ArticleIdList; None when there is none. */
static PyObject *article_id(Doc *d, int id_list, const char *kind, Py_ssize_t n)
{
    if (id_list < 0)
        Py_RETURN_NONE;
    EACH(d, id, id_list, "ArticleId") {
        if (!attr_is_n(d, id, "IdType", 6, kind, n, 0))
            continue;
        PyObject *value = plain(d, id);
        if (value != Py_None)
            return value;
        Py_DECREF(value);
    }
    Py_RETURN_NONE;
}

#define ARTICLE_ID(d, id_list, lit) article_id((d), (id_list), (lit), sizeof(lit) - 1)

/* normalize_doi(text) when it is already plain (10.NNNN/..., printable ASCII, no final
   dot): lower case. Otherwise the Python function decides (None when it refuses). */
static PyObject *doi_of(PyObject *candidate)
{
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(candidate, &n);
    if (!s)
        return NULL;
    int simple = n > 3 && !memcmp(s, "10.", 3) && s[n - 1] != '.';
    Py_ssize_t i = 3;
    for (; simple && i < n && s[i] >= '0' && s[i] <= '9'; i++)
        ;
    simple = simple && i - 3 >= 4 && i - 3 <= 9 && i + 1 < n && s[i] == '/';
    for (Py_ssize_t j = 0; simple && j < n; j++)
        simple = s[j] > 0x20 && s[j] < 0x7F;
    if (!simple)
        return PyObject_CallOneArg(DoiOrNone, candidate);
    PyObject *out = PyUnicode_New(n, 127);
    if (!out)
        return NULL;
    Py_UCS1 *o = PyUnicode_1BYTE_DATA(out);
    for (Py_ssize_t j = 0; j < n; j++)
        o[j] = (Py_UCS1)(s[j] >= 'A' && s[j] <= 'Z' ? s[j] + 32 : s[j]);
    return out;
}

/* _doi(elocations, ids): the first valid DOI of the valid ELocationIDs, then of the ids. */
static PyObject *doi(Doc *d, int holder, PyObject *id_doi)
{
    EACH(d, e, holder, "ELocationID") {
        if (!ATTR_IS(d, e, "EIdType", "doi", 0) || ATTR_IS(d, e, "ValidYN", "N", 0))
            continue;
        PyObject *candidate = plain(d, e);
        if (!candidate)
            return NULL;
        if (candidate != Py_None) {
            PyObject *found = doi_of(candidate);
            Py_DECREF(candidate);
            if (found != Py_None)
                return found;
            Py_DECREF(found);
        }
        else
            Py_DECREF(candidate);
    }
    if (id_doi != Py_None)
        return doi_of(id_doi);
    Py_RETURN_NONE;
}

/* _pmcid(value): "PMC" + digits (and a version) is read here; any other form in Python. */
static PyObject *pmcid(PyObject *value)
{
    if (value == Py_None)
        Py_RETURN_NONE;
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(value, &n);
    if (!s)
        return NULL;
    Py_ssize_t i = 3;
    unsigned long long number = 0;
    int simple = n > 3 && !memcmp(s, "PMC", 3);
    for (; simple && i < n && s[i] >= '0' && s[i] <= '9'; i++)
        number = number * 10 + (s[i] - '0');
    simple = simple && i - 3 >= 1 && i - 3 <= 10;
    if (simple && i < n) {
        /* ".2": a version, dropped */
        simple = s[i] == '.' && ascii_digits(s + i + 1, n - i - 1);
    }
    if (!simple)
        return PyObject_CallOneArg(PmcidOf, value);
    if (!number)
        Py_RETURN_NONE;
    return PyUnicode_FromFormat("PMC%llu", number);
}

static int month_of(const char *s, Py_ssize_t n)
{
    static const char *const names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
    if (ascii_digits(s, n)) {
        int value = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            value = value * 10 + (s[i] - '0');
            if (value > 12)
                return 0;
        }
        return value;
    }
    if (n < 3)
        return 0;
    char low[3];
    for (int i = 0; i < 3; i++)
        low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    for (int m = 0; m < 12; m++)
        if (!memcmp(low, names[m], 3))
            return m + 1;
    return 0;
}

static int days_in(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
        return 29;
    return days[month - 1];
}

/* A text held as UTF-8 bytes, for a date part: its Python str is made only when needed. */
typedef struct {
    PyObject *str; /* None when the part is absent */
    const char *s;
    Py_ssize_t n;
} Part;

static int part_of(PyObject *value, Part *part)
{
    part->str = value;
    part->s = NULL;
    part->n = 0;
    if (!value)
        return -1;
    if (value != Py_None && !(part->s = PyUnicode_AsUTF8AndSize(value, &part->n)))
        return -1;
    return 0;
}

/* Whether a date part is one this reader reads itself: absent or ASCII digits. */
static int digits_or_none(Part *p)
{
    return p->str == Py_None || (ascii_digits(p->s, p->n) && p->n <= 9);
}

/* _pub_date(element): (year, published, medline_date, season) into the record. */
static int pub_date(Doc *d, int node, PyObject *data)
{
    if (node < 0)
        return 0;
    Part medline, year, month, day, season;
    int r = -1;
    PyObject *result = NULL;
    if (part_of(plain(d, CHILD(d, node, "MedlineDate")), &medline))
        return -1;
    if (part_of(plain(d, CHILD(d, node, "Year")), &year))
        goto done_medline;
    if (part_of(plain(d, CHILD(d, node, "Month")), &month))
        goto done_year;
    if (part_of(plain(d, CHILD(d, node, "Day")), &day))
        goto done_month;
    if (part_of(plain(d, CHILD(d, node, "Season")), &season))
        goto done_day;
    if (medline.str != Py_None || !(month.str == Py_None || is_ascii(month.s, month.n)) ||
        !digits_or_none(&day)) {
        result = PyObject_CallFunctionObjArgs(PubDateOf, medline.str, year.str, month.str,
                                              day.str, season.str, NULL);
        if (result && PyTuple_Check(result) && PyTuple_GET_SIZE(result) == 4) {
            static const int fields[] = {F_YEAR, F_PUBLISHED, F_MEDLINE_DATE, F_SEASON};
            r = 0;
            for (int i = 0; i < 4 && !r; i++)
                r = set(data, fields[i], Py_NewRef(PyTuple_GET_ITEM(result, i)));
        }
        goto done;
    }
    r = 0;
    if (year.str == Py_None || year.n != 4 || !ascii_digits(year.s, 4))
        goto done;
    int y = small_number(year.s, 4);
    int m = month.str == Py_None ? 0 : month_of(month.s, month.n);
    char iso[48];
    if (!m)
        snprintf(iso, sizeof iso, "%04d", y);
    else {
        int dd = day.str == Py_None ? 0 : small_number(day.s, day.n);
        if (day.str != Py_None && y >= 1 && dd >= 1 && dd <= days_in(y, m))
            snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, dd);
        else
            snprintf(iso, sizeof iso, "%04d-%02d", y, m);
    }
    r = set(data, F_YEAR, PyLong_FromLong(y)) || set(data, F_PUBLISHED, PyUnicode_FromString(iso)) ||
        PyDict_SetItem(data, FIELD_KEYS[F_SEASON], season.str);
done:
    Py_XDECREF(result);
    Py_DECREF(season.str);
done_day:
    Py_DECREF(day.str);
done_month:
    Py_DECREF(month.str);
done_year:
    Py_DECREF(year.str);
done_medline:
    Py_DECREF(medline.str);
    return r;
}

/* element.text or "" of a child, decoded: what int() reads in _full_date. */
static PyObject *raw_text(Doc *d, int node)
{
    if (node < 0 || !d->nodes[node].text.n)
        return PyUnicode_FromStringAndSize("", 0);
    d->a.n = 0;
    if (put_span(&d->a, d->nodes[node].text, AS_TEXT))
        return PyErr_NoMemory();
    return str_of(d->a.p, d->a.n);
}

/* _full_date(element): an ISO date from Year, Month and Day children, or None. */
static PyObject *full_date(Doc *d, int node)
{
    if (node < 0)
        Py_RETURN_NONE;
    Part year, month, day;
    PyObject *out = NULL;
    if (part_of(raw_text(d, CHILD(d, node, "Year")), &year))
        return NULL;
    if (part_of(plain(d, CHILD(d, node, "Month")), &month))
        goto done_year;
    if (part_of(raw_text(d, CHILD(d, node, "Day")), &day))
        goto done_month;
    if (!(ascii_digits(year.s, year.n) && year.n <= 9 && ascii_digits(day.s, day.n) &&
          day.n <= 9 && (month.str == Py_None || is_ascii(month.s, month.n)))) {
        out = PyObject_CallFunctionObjArgs(FullDateOf, year.str, month.str, day.str, NULL);
        goto done;
    }
    int y = small_number(year.s, year.n), dd = small_number(day.s, day.n);
    int m = month.str == Py_None ? 0 : month_of(month.s, month.n);
    if (m && y >= 1 && y <= 9999 && dd >= 1 && dd <= days_in(y, m)) {
        char iso[48];
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, dd);
        out = PyUnicode_FromString(iso);
    }
    else
        out = Py_NewRef(Py_None);
done:
    Py_DECREF(day.str);
done_month:
    Py_DECREF(month.str);
done_year:
    Py_DECREF(year.str);
    return out;
}

/* _texts(elements): the non-empty plain texts of every <tag> child of each parent. */
static int texts_into(Doc *d, PyObject *list, int parent, const char *tag, Py_ssize_t n)
{
    if (parent < 0)
        return 0;
    for (int c = child_n(d, parent, tag, n); c >= 0; c = next_n(d, c, tag, n)) {
        if (append_unless_none(list, plain(d, c)))
            return -1;
    }
    return 0;
}

#define TEXTS(d, list, parent, lit) texts_into((d), (list), (parent), (lit), sizeof(lit) - 1)

static PyObject *person(Doc *d, int author)
{
    PyObject *collective = plain(d, CHILD(d, author, "CollectiveName"));
    if (!collective)
        return NULL;
    if (collective != Py_None) {
        PyObject *out = PyDict_New();
        if (!out || set_key(out, K_COLLECTIVE, collective)) {
            Py_XDECREF(out);
            return NULL;
        }
        return out;
    }
    Py_DECREF(collective);
    PyObject *family = plain(d, CHILD(d, author, "LastName"));
    if (!family || family == Py_None)
        return family;
    PyObject *out = PyDict_New();
    if (!out || set_key(out, K_FAMILY, family) ||
        set_key(out, K_GIVEN, plain(d, CHILD(d, author, "ForeName"))) ||
        set_key(out, K_INITIALS, plain(d, CHILD(d, author, "Initials")))) {
        Py_XDECREF(out);
        return NULL;
    }
    return out;
}

/* _authors(author_lists) into list. */
static int authors_into(Doc *d, PyObject *list, const int *lists, int count)
{
    for (int i = 0; i < count; i++)
        EACH(d, author, lists[i], "Author") {
            if (ATTR_IS(d, author, "ValidYN", "N", 0))
                continue;
            if (append_unless_none(list, person(d, author)))
                return -1;
        }
    return 0;
}

/* _pages(pagination) */
static PyObject *pages(Doc *d, int node)
{
    if (node < 0)
        Py_RETURN_NONE;
    PyObject *pgn = plain(d, CHILD(d, node, "MedlinePgn"));
    if (!pgn || pgn != Py_None)
        return pgn;
    Py_DECREF(pgn);
    PyObject *start = plain(d, CHILD(d, node, "StartPage"));
    if (!start)
        return NULL;
    PyObject *end = plain(d, CHILD(d, node, "EndPage"));
    if (!end) {
        Py_DECREF(start);
        return NULL;
    }
    PyObject *out;
    if (start != Py_None && end != Py_None && PyUnicode_Compare(end, start) != 0)
        out = PyUnicode_FromFormat("%U-%U", start, end);
    else
        out = Py_NewRef(start);
    Py_DECREF(start);
    Py_DECREF(end);
    return out;
}

/* _abstract(abstract): text, HTML and sections into the record. */
static int abstract(Doc *d, int node, PyObject *data)
{
    PyObject *sections = field(data, F_ABSTRACT_SECTIONS);
    d->h.n = d->x.n = 0;
    EACH(d, part, node, "AbstractText") {
        Py_ssize_t tn, m0, mn;
        if (rich_bufs(d, part, &tn, &m0, &mn))
            return -1;
        if (!tn)
            continue;
        PyObject *section = PyDict_New();
        if (!section)
            return -1;
        int err;
        PyObject *label = Py_NewRef(Py_None);
        const Attr *a = attr_value(d, part, "Label", 5, &err);
        if (err) {
            Py_DECREF(label);
            Py_DECREF(section);
            return -1;
        }
        Py_ssize_t l0 = 0, ln = a ? strip_bounds(d->a.p, d->a.n, &l0) : 0;
        if (ln) {
            Py_DECREF(label);
            if (!(label = str_of(d->a.p + l0, ln))) {
                Py_DECREF(section);
                return -1;
            }
        }
        /* "\n\n".join("label: text" or "text"), and <p><b>label:</b> markup</p> */
        if ((d->x.n && BUF_LIT(&d->x, "\n\n")) || BUF_LIT(&d->h, "<p>") ||
            (ln && (buf_put(&d->x, d->a.p + l0, ln) || BUF_LIT(&d->x, ": ") ||
                    BUF_LIT(&d->h, "<b>") || put_escaped_bytes(&d->h, d->a.p + l0, ln) ||
                    BUF_LIT(&d->h, ":</b> "))) ||
            buf_put(&d->x, d->t.p, tn) ||
            (mn ? buf_put(&d->h, d->m.p + m0, mn) : BUF_LIT(&d->h, "None")) ||
            BUF_LIT(&d->h, "</p>")) {
            Py_XDECREF(label);
            Py_DECREF(section);
            PyErr_NoMemory();
            return -1;
        }
        PyObject *category = ATTR_STR(d, part, "NlmCategory");
        if (category && PyUnicode_Check(category) && PyUnicode_GET_LENGTH(category) == 0) {
            Py_DECREF(category);
            category = Py_NewRef(Py_None);
        }
        if (set_key(section, K_LABEL, label) || set_key(section, K_CATEGORY, category) ||
            set_key(section, K_TEXT, str_of(d->t.p, tn)) || append(sections, section))
            return -1;
    }
    if (d->x.n && set(data, F_ABSTRACT, str_of(d->x.p, d->x.n)))
        return -1;
    if (d->h.n && set(data, F_ABSTRACT_HTML, str_of(d->h.p, d->h.n)))
        return -1;
    return 0;
}

static int is_digit_str(PyObject *s)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (!n)
        return 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (!Py_UNICODE_ISDIGIT(PyUnicode_READ_CHAR(s, i)))
            return 0;
    return 1;
}

/* _links(lists): CommentsCorrections, both directions, without "Cites". */
static int links(Doc *d, int citation, PyObject *data)
{
    PyObject *list = field(data, F_COMMENTS_CORRECTIONS);
    EACH(d, holder, citation, "CommentsCorrectionsList") {
        EACH(d, link, holder, "CommentsCorrections") {
            if (ATTR_IS(d, link, "RefType", "Cites", 0))
                continue;
            PyObject *one = PyDict_New();
            if (!one || set_key(one, K_TYPE, ATTR_STR(d, link, "RefType"))) {
                Py_XDECREF(one);
                return -1;
            }
            PyObject *number = plain(d, CHILD(d, link, "PMID"));
            if (number && number != Py_None && !is_digit_str(number)) {
                Py_DECREF(number);
                number = Py_NewRef(Py_None);
            }
            if (set_key(one, K_PMID, number) ||
                set_key(one, K_SOURCE, plain(d, CHILD(d, link, "RefSource"))) ||
                append(list, one))
                return -1;
        }
    }
    return 0;
}

/* _linked(links, ref_type): the PMIDs linked that way, each once. */
static int linked(PyObject *data, int f, const char *ref_type)
{
    PyObject *links = field(data, F_COMMENTS_CORRECTIONS), *out = field(data, f);
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(links); i++) {
        PyObject *link = PyList_GET_ITEM(links, i);
        PyObject *type = PyDict_GetItem(link, KEYS[K_TYPE]);
        PyObject *number = PyDict_GetItem(link, KEYS[K_PMID]);
        if (type == Py_None || number == Py_None ||
            PyUnicode_CompareWithASCIIString(type, ref_type) != 0)
            continue;
        int seen = PySequence_Contains(out, number);
        if (seen < 0 || (!seen && PyList_Append(out, number)))
            return -1;
    }
    return 0;
}

static int has_retracted_type(PyObject *types)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(types); i++)
        if (PyUnicode_Compare(PyList_GET_ITEM(types, i), KEYS[K_RETRACTED_TYPE]) == 0)
            return 1;
    return 0;
}

static int languages(Doc *d, int holder, PyObject *data)
{
    PyObject *list = field(data, F_LANGUAGES);
    if (TEXTS(d, list, holder, "Language"))
        return -1;
    if (PyList_GET_SIZE(list))
        return PyDict_SetItem(data, FIELD_KEYS[F_LANGUAGE], PyList_GET_ITEM(list, 0));
    return 0;
}

/* Title, title HTML and vernacular title; an empty title takes the fallback's. */
static int titles(Doc *d, int title_node, int vernacular_node, int other_node, PyObject *data)
{
    PyObject *title, *html, *vtitle, *vhtml;
    if (rich(d, title_node, &title, &html))
        return -1;
    if (rich(d, vernacular_node, &vtitle, &vhtml)) {
        Py_DECREF(title);
        Py_DECREF(html);
        return -1;
    }
    if (title == Py_None) {
        Py_DECREF(title);
        Py_DECREF(html);
        if (vtitle != Py_None || other_node < 0) {
            title = Py_NewRef(vtitle);
            html = Py_NewRef(vhtml);
        }
        else if (rich(d, other_node, &title, &html)) {
            Py_DECREF(vtitle);
            Py_DECREF(vhtml);
            return -1;
        }
    }
    Py_DECREF(vhtml);
    return set(data, F_TITLE, title) | set(data, F_TITLE_HTML, html) |
           set(data, F_VERNACULAR_TITLE, vtitle);
}

/* Fields read through the ids, DOI and PMCID, given the ArticleIdLists in order of trust. */
static int identifiers(Doc *d, int eloc_holder, int trusted, int other, PyObject *data,
                       PyObject **accession)
{
    PyObject *id_doi = ARTICLE_ID(d, trusted, "doi");
    if (id_doi == Py_None) {
        Py_DECREF(id_doi);
        id_doi = ARTICLE_ID(d, other, "doi");
    }
    if (!id_doi)
        return -1;
    int r = set(data, F_DOI, doi(d, eloc_holder, id_doi));
    Py_DECREF(id_doi);
    if (r)
        return -1;
    PyObject *pmc = ARTICLE_ID(d, trusted, "pmc");
    if (pmc == Py_None) {
        Py_DECREF(pmc);
        pmc = ARTICLE_ID(d, other, "pmc");
    }
    if (!pmc)
        return -1;
    r = set(data, F_PMCID, pmcid(pmc));
    Py_DECREF(pmc);
    if (r)
        return -1;
    if (accession) {
        *accession = ARTICLE_ID(d, trusted, "bookaccession");
        if (*accession == Py_None) {
            Py_DECREF(*accession);
            *accession = ARTICLE_ID(d, other, "bookaccession");
        }
        if (!*accession)
            return -1;
    }
    return 0;
}

/* The record's <holder> (read for its PMID) and the holder's <work>: both are required,
   so a record without them goes to the lxml reader, which says so. */
static int holder_and_work(Doc *d, PyObject *data, const char *holder, const char *work,
                           int *holder_node, int *work_node)
{
    *holder_node = child_n(d, 0, holder, strlen(holder));
    if (*holder_node < 0)
        return T_FALLBACK;
    int r = pmid(d, CHILD(d, *holder_node, "PMID"), data);
    if (r)
        return r;
    *work_node = child_n(d, *holder_node, work, strlen(work));
    return *work_node < 0 ? T_FALLBACK : T_OK;
}

static int article(Doc *d, PyObject *data)
{
    int record = 0, citation, art;
    int r = holder_and_work(d, data, "MedlineCitation", "Article", &citation, &art);
    if (r)
        return r;
    int issue = GRANDCHILD(d, art, "Journal", "JournalIssue");
    int ids = GRANDCHILD(d, record, "PubmedData", "ArticleIdList");
    if (titles(d, CHILD(d, art, "ArticleTitle"), CHILD(d, art, "VernacularTitle"), -1, data) ||
        pub_date(d, CHILD(d, issue, "PubDate"), data) ||
        abstract(d, CHILD(d, art, "Abstract"), data) || links(d, citation, data))
        return T_NOMEM;
    PyObject *types = field(data, F_PUBLICATION_TYPES);
    EACH(d, type_list, art, "PublicationTypeList")
        if (TEXTS(d, types, type_list, "PublicationType"))
            return T_NOMEM;
    if (languages(d, art, data) || identifiers(d, art, ids, -1, data, NULL))
        return T_NOMEM;
    int lists[MAX_LISTS], count = 0;
    EACH(d, list, art, "AuthorList") {
        if (count == MAX_LISTS)
            return T_FALLBACK;
        lists[count++] = list;
    }
    if (authors_into(d, field(data, F_AUTHORS), lists, count))
        return T_NOMEM;
    if (set(data, F_JOURNAL, plain(d, GRANDCHILD(d, art, "Journal", "Title"))))
        return T_NOMEM;
    PyObject *abbrev = plain(d, GRANDCHILD(d, art, "Journal", "ISOAbbreviation"));
    if (abbrev == Py_None) {
        Py_DECREF(abbrev);
        abbrev = plain(d, GRANDCHILD(d, citation, "MedlineJournalInfo", "MedlineTA"));
    }
    if (set(data, F_JOURNAL_ABBREV, abbrev) ||
        set(data, F_VOLUME, plain(d, CHILD(d, issue, "Volume"))) ||
        set(data, F_ISSUE, plain(d, CHILD(d, issue, "Issue"))) ||
        set(data, F_PAGES, pages(d, CHILD(d, art, "Pagination"))))
        return T_NOMEM;
    EACH(d, date, art, "ArticleDate") {
        if (ATTR_IS(d, date, "DateType", "Electronic", 1)) {
            if (set(data, F_EPUB_DATE, full_date(d, date)))
                return T_NOMEM;
            break;
        }
    }
    PyObject *mesh = field(data, F_MESH_TERMS);
    EACH(d, mesh_list, citation, "MeshHeadingList")
        EACH(d, heading, mesh_list, "MeshHeading")
            if (TEXTS(d, mesh, heading, "DescriptorName"))
                return T_NOMEM;
    if (linked(data, F_RETRACTION_PMIDS, "RetractionIn") ||
        linked(data, F_ERRATUM_PMIDS, "ErratumIn") ||
        linked(data, F_CONCERN_PMIDS, "ExpressionOfConcernIn"))
        return T_NOMEM;
    /* Either sign can lag the other, so either one is enough. */
    PyObject *all_links = field(data, F_COMMENTS_CORRECTIONS);
    int retracted = has_retracted_type(types);
    for (Py_ssize_t i = 0; !retracted && i < PyList_GET_SIZE(all_links); i++) {
        PyObject *type = PyDict_GetItem(PyList_GET_ITEM(all_links, i), KEYS[K_TYPE]);
        retracted = type != Py_None && PyUnicode_CompareWithASCIIString(type, "RetractionIn") == 0;
    }
    if (PyDict_SetItem(data, FIELD_KEYS[F_RETRACTED], retracted ? Py_True : Py_False) ||
        set(data, F_MEDLINE_STATUS, ATTR_STR(d, citation, "Status")) ||
        set(data, F_DATE_REVISED, full_date(d, CHILD(d, citation, "DateRevised"))))
        return T_NOMEM;
    return T_OK;
}

static int book(Doc *d, PyObject *data)
{
    int record = 0, document, bk;
    int r = holder_and_work(d, data, "BookDocument", "Book", &document, &bk);
    if (r)
        return r;
    PyObject *book_title, *book_html;
    if (rich(d, CHILD(d, bk, "BookTitle"), &book_title, &book_html))
        return T_NOMEM;
    Py_DECREF(book_html);
    if (set(data, F_BOOK_TITLE, book_title) ||
        titles(d, CHILD(d, document, "ArticleTitle"), CHILD(d, document, "VernacularTitle"),
               CHILD(d, bk, "BookTitle"), data))
        return T_NOMEM;
    PyObject *accession;
    if (identifiers(d, bk, CHILD(d, document, "ArticleIdList"),
                    GRANDCHILD(d, record, "PubmedBookData", "ArticleIdList"), data, &accession) ||
        set(data, F_BOOK_ACCESSION, accession))
        return T_NOMEM;
    /* A chapter's own authors, else (for a whole book) the book's; editors from both. */
    int own[MAX_LISTS], books[MAX_LISTS], editors[MAX_LISTS], n_own = 0, n_books = 0, n_editors = 0;
    for (int pass = 0; pass < 2; pass++)
        EACH(d, list, pass ? bk : document, "AuthorList") {
            if (n_own == MAX_LISTS || n_books == MAX_LISTS || n_editors == MAX_LISTS)
                return T_FALLBACK;
            if (ATTR_IS(d, list, "Type", "editors", 0))
                editors[n_editors++] = list;
            else if (pass)
                books[n_books++] = list;
            else
                own[n_own++] = list;
        }
    PyObject *people = field(data, F_AUTHORS);
    if (authors_into(d, people, own, n_own) ||
        (!PyList_GET_SIZE(people) && authors_into(d, people, books, n_books)) ||
        authors_into(d, field(data, F_EDITORS), editors, n_editors))
        return T_NOMEM;
    if (pub_date(d, CHILD(d, bk, "PubDate"), data) ||
        abstract(d, CHILD(d, document, "Abstract"), data))
        return T_NOMEM;
    PyObject *types = field(data, F_PUBLICATION_TYPES);
    if (TEXTS(d, types, document, "PublicationType") || languages(d, document, data))
        return T_NOMEM;
    if (set(data, F_PUBLISHER, plain(d, GRANDCHILD(d, bk, "Publisher", "PublisherName"))) ||
        set(data, F_PUBLISHER_LOCATION,
            plain(d, GRANDCHILD(d, bk, "Publisher", "PublisherLocation"))) ||
        set(data, F_VOLUME, plain(d, CHILD(d, bk, "Volume"))) ||
        set(data, F_PAGES, pages(d, CHILD(d, document, "Pagination"))) ||
        PyDict_SetItem(data, FIELD_KEYS[F_RETRACTED], has_retracted_type(types) ? Py_True : Py_False) ||
        set(data, F_DATE_REVISED, full_date(d, CHILD(d, document, "DateRevised"))))
        return T_NOMEM;
    return T_OK;
}

/* ------------------------------------------------------------------ scan */

/* 1 for <PubmedArticle, 2 for <PubmedBookArticle (as the lxml reader's RECORD_START sees
   them), 0 for anything else, -1 when buf ends before it can be told. */
static int record_kind(const unsigned char *p, const unsigned char *end)
{
    static const char article_tag[] = "<PubmedArticle", book_tag[] = "<PubmedBookArticle";
    const char *tags[] = {article_tag, book_tag};
    Py_ssize_t lens[] = {sizeof article_tag - 1, sizeof book_tag - 1}, left = end - p;
    int cut = 0;
    for (int k = 0; k < 2; k++) {
        Py_ssize_t n = lens[k];
        if (left <= n) {
            cut |= !memcmp(p, tags[k], left);
            continue;
        }
        unsigned c = p[n];
        if (!memcmp(p, tags[k], n) &&
            (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
             c == '/' || c == '>'))
            return k + 1;
    }
    return cut ? -1 : 0;
}

static PyObject *scan(PyObject *self, PyObject *args)
{
    const char *bytes;
    Py_ssize_t len, pos;
    if (!PyArg_ParseTuple(args, "y#n:scan", &bytes, &len, &pos))
        return NULL;
    if (!ParsedRecord) {
        PyErr_SetString(PyExc_RuntimeError, "_pubmed_fast.setup() was not called");
        return NULL;
    }
    if (pos < 0 || pos > len) {
        PyErr_SetString(PyExc_ValueError, "pos is outside the buffer");
        return NULL;
    }
    const unsigned char *buf = (const unsigned char *)bytes, *end = buf + len;
    PyObject *found = PyList_New(0);
    if (!found)
        return NULL;
    Doc d;
    memset(&d, 0, sizeof d);
    int incomplete = 0;
    for (;;) {
        const unsigned char *p = buf + pos;
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\v' ||
                           *p == '\f'))
            p++;
        if (p >= end || *p != '<')
            break;
        int kind = record_kind(p, end);
        if (kind <= 0) {
            incomplete = kind < 0;
            break;
        }
        const unsigned char *rec_end;
        int r = tokenize(&d, p, end, &rec_end);
        if (r == T_NOMEM) {
            PyErr_NoMemory();
            goto error;
        }
        if (r == T_INCOMPLETE)
            incomplete = end - p <= MAX_RECORD; /* else the lxml reader takes it */
        if (r)
            break;
        PyObject *data = new_reference(kind == 1 ? K_ARTICLE : K_BOOK);
        if (!data)
            goto error;
        r = kind == 1 ? article(&d, data) : book(&d, data);
        if (r) {
            Py_DECREF(data);
            if (r == T_FALLBACK)
                break;
            if (!PyErr_Occurred())
                PyErr_NoMemory();
            /* A Python helper refused (a ValueError...): the lxml reader reports that record.
               An interrupt is not the record's fault. */
            if (!PyErr_ExceptionMatches(PyExc_Exception))
                goto error;
            PyErr_Clear();
            break;
        }
        PyObject *parsed = PyObject_CallOneArg(ParsedRecord, data);
        Py_DECREF(data);
        if (!parsed || append(found, parsed))
            goto error;
        pos = (const char *)rec_end - bytes;
    }
    doc_free(&d);
    return Py_BuildValue("(NnO)", found, pos, incomplete ? Py_True : Py_False);
error:
    doc_free(&d);
    Py_DECREF(found);
    return NULL;
}

/* setup(ParsedRecord, pub_date_of, full_date_of, doi_or_none, pmcid_of) */
static PyObject *setup(PyObject *self, PyObject *args)
{
    PyObject *record, *pub, *full, *doi_fn, *pmc;
    if (!PyArg_ParseTuple(args, "OOOOO:setup", &record, &pub, &full, &doi_fn, &pmc))
        return NULL;
    Py_XSETREF(ParsedRecord, Py_NewRef(record));
    Py_XSETREF(PubDateOf, Py_NewRef(pub));
    Py_XSETREF(FullDateOf, Py_NewRef(full));
    Py_XSETREF(DoiOrNone, Py_NewRef(doi_fn));
    Py_XSETREF(PmcidOf, Py_NewRef(pmc));
    Py_RETURN_NONE;
}

static PyObject *frozenset_of(const char *const *names)
{
    PyObject *list = PyList_New(0);
    if (!list)
        return NULL;
    for (; *names; names++)
        if (append(list, PyUnicode_FromString(*names))) {
            Py_DECREF(list);
            return NULL;
        }
    PyObject *out = PyFrozenSet_New(list);
    Py_DECREF(list);
    return out;
}

/* constants(): the names this reader was written for, which pubmed_parser checks against its
   own at import, so that the two readers cannot drift apart unnoticed. */
static PyObject *constants(PyObject *self, PyObject *unused)
{
    PyObject *fields = PyTuple_New(N_FIELDS), *lists = PyList_New(0), *out = PyDict_New();
    if (!fields || !lists || !out)
        goto fail;
    for (int i = 0; i < N_FIELDS; i++)
        PyTuple_SET_ITEM(fields, i, Py_NewRef(FIELD_KEYS[i]));
    for (const int *f = LIST_FIELD; *f >= 0; f++)
        if (PyList_Append(lists, FIELD_KEYS[*f]))
            goto fail;
    PyObject *list_fields = PyFrozenSet_New(lists);
    if (PyDict_SetItemString(out, "FIELDS", fields) ||
        !list_fields || PyDict_SetItemString(out, "LIST_FIELDS", list_fields)) {
        Py_XDECREF(list_fields);
        goto fail;
    }
    Py_DECREF(list_fields);
    const char *const *sets[] = {INLINE_TAGS, MATHML_TAGS, MATHML_TOKENS, MATHML_DROPPED};
    const char *names[] = {"INLINE_TAGS", "MATHML_TAGS", "MATHML_TOKENS", "MATHML_DROPPED"};
    for (int i = 0; i < 4; i++) {
        PyObject *set = frozenset_of(sets[i]);
        int r = !set || PyDict_SetItemString(out, names[i], set);
        Py_XDECREF(set);
        if (r)
            goto fail;
    }
    if (PyDict_SetItemString(out, "RETRACTED_TYPE", KEYS[K_RETRACTED_TYPE]))
        goto fail;
    Py_DECREF(fields);
    Py_DECREF(lists);
    return out;
fail:
    Py_XDECREF(fields);
    Py_XDECREF(lists);
    Py_XDECREF(out);
    return NULL;
}

/* collapse(text): " ".join(text.split()) as this reader computes it, for the tests. */
static PyObject *py_collapse(PyObject *self, PyObject *arg)
{
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(arg, &n);
    if (!s)
        return NULL;
    char *copy = PyMem_Malloc(n + 1);
    if (!copy)
        return PyErr_NoMemory();
    memcpy(copy, s, n);
    PyObject *out = str_of(copy, collapse(copy, n));
    PyMem_Free(copy);
    return out;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS, "scan(buf, pos) -> (records, pos, incomplete)"},
    {"setup", setup, METH_VARARGS, "Give the reader the Python parts it calls."},
    {"constants", constants, METH_NOARGS, "The names this reader was written for."},
    {"collapse", py_collapse, METH_O, "\" \".join(text.split()), computed in C."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_pubmed_fast", "The compiled PubMed record reader.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__pubmed_fast(void)
{
    init_tables();
    for (int i = 0; i < N_FIELDS; i++)
        if (!(FIELD_KEYS[i] = PyUnicode_InternFromString(FIELD_NAMES[i])))
            return NULL;
    for (int i = 0; i < N_KEYS; i++)
        if (!(KEYS[i] = PyUnicode_InternFromString(KEY_NAMES[i])))
            return NULL;
    return PyModule_Create(&module);
}
