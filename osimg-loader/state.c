#include "state.h"

enum {
    WIRE_VARINT = 0,
    WIRE_FIXED64 = 1,
    WIRE_LEN = 2,
    WIRE_START_GROUP = 3,
    WIRE_END_GROUP = 4,
    WIRE_FIXED32 = 5,
};

enum {
    FIELD_ACTIVE_SLOT = 1,
    FIELD_NEXT_SLOT = 2,
};

/* Protobuf varints take at most 10 bytes (64 bits, 7 per byte). */
#define VARINT_MAX 10

/* Reads a varint at *pos; advances *pos. Returns NULL or why it cannot be read. */
static const char *read_varint(const uint8_t *buf, size_t len, size_t *pos, uint64_t *value)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < VARINT_MAX; i++) {
        if (*pos >= len) {
            return "truncated varint";
        }
        uint8_t b = buf[(*pos)++];
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *value = v;
            return NULL;
        }
    }
    return "varint longer than 10 bytes";
}

static const char *skip(size_t len, size_t *pos, uint64_t n)
{
    if (n > len - *pos) {
        return "truncated field";
    }
    *pos += (size_t)n;
    return NULL;
}

/*
 * Walks the message; for each field calls visit with the field number, wire type and, for varints, the value
 * and the byte range of the value. Returns NULL or why the message cannot be decoded.
 */
typedef void (*visit_fn)(void *ctx, uint64_t field, uint64_t value, size_t value_start, size_t value_end);

static const char *walk(const uint8_t *buf, size_t len, visit_fn visit, void *ctx)
{
    size_t pos = 0;
    while (pos < len) {
        uint64_t key;
        const char *why = read_varint(buf, len, &pos, &key);
        if (why) {
            return why;
        }
        uint64_t field = key >> 3;
        unsigned wire = (unsigned)(key & 7);
        if (field == 0 || field > 0x1fffffff) {
            return "invalid field number";
        }
        if ((field == FIELD_ACTIVE_SLOT || field == FIELD_NEXT_SLOT) && wire != WIRE_VARINT) {
            return "slot field is not a varint";
        }
        uint64_t n;
        size_t start = pos;
        switch (wire) {
        case WIRE_VARINT:
            why = read_varint(buf, len, &pos, &n);
            if (!why) {
                visit(ctx, field, n, start, pos);
            }
            break;
        case WIRE_FIXED64:
            why = skip(len, &pos, 8);
            break;
        case WIRE_FIXED32:
            why = skip(len, &pos, 4);
            break;
        case WIRE_LEN:
            why = read_varint(buf, len, &pos, &n);
            if (!why) {
                why = skip(len, &pos, n);
            }
            break;
        case WIRE_START_GROUP:
        case WIRE_END_GROUP:
            why = "group fields are not supported";
            break;
        default:
            why = "invalid wire type";
            break;
        }
        if (why) {
            return why;
        }
    }
    return NULL;
}

static void keep_slot(void *ctx, uint64_t field, uint64_t value, size_t value_start, size_t value_end)
{
    struct ab_state *state = ctx;
    (void)value_start;
    (void)value_end;
    /* An enum is an int32 on the wire: parsers keep the low 32 bits of the varint. */
    if (field == FIELD_ACTIVE_SLOT) {
        state->active_slot = (uint32_t)value;
    } else if (field == FIELD_NEXT_SLOT) {
        state->next_slot = (uint32_t)value;
    }
}

const char *ab_state_decode(const uint8_t *buf, size_t len, struct ab_state *out)
{
    struct ab_state state = { AB_SLOT_NONE, AB_SLOT_NONE };
    const char *why = walk(buf, len, keep_slot, &state);
    if (why) {
        state.active_slot = AB_SLOT_NONE;
        state.next_slot = AB_SLOT_NONE;
    }
    *out = state;
    return why;
}

struct clearing {
    uint8_t *buf;
    size_t first;
    size_t end;
};

static void zero_next(void *ctx, uint64_t field, uint64_t value, size_t value_start, size_t value_end)
{
    struct clearing *c = ctx;
    (void)value;
    if (field != FIELD_NEXT_SLOT) {
        return;
    }
    /* Zero in as many bytes as the old value took: continuation bytes 0x80, then a final 0x00. */
    for (size_t i = value_start; i < value_end; i++) {
        c->buf[i] = i + 1 < value_end ? 0x80 : 0x00;
    }
    if (c->end == 0) {
        c->first = value_start;
    }
    c->end = value_end;
}

void ab_state_clear_next(uint8_t *buf, size_t len, size_t *first, size_t *end)
{
    struct clearing c = { buf, 0, 0 };
    walk(buf, len, zero_next, &c);
    *first = c.first;
    *end = c.end;
}
