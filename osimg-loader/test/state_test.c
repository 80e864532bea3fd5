/* Tests of the state file codec (state.c) on the build host: decoding like a protobuf parser, clearing in place. */
#include <stdio.h>
#include <string.h>

#include "state.h"

static int failures;

#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

static void expect_state(const char *name, const uint8_t *buf, size_t len, uint32_t active, uint32_t next)
{
    struct ab_state s;
    const char *why = ab_state_decode(buf, len, &s);
    if (why || s.active_slot != active || s.next_slot != next) {
        printf("FAIL %s: got {%u, %u} (%s), want {%u, %u}\n", name, s.active_slot, s.next_slot, why ? why : "ok",
                active, next);
        failures++;
    }
}

static void expect_corrupt(const char *name, const uint8_t *buf, size_t len, const char *reason)
{
    struct ab_state s = { 7, 7 };
    const char *why = ab_state_decode(buf, len, &s);
    if (!why || strcmp(why, reason) != 0 || s.active_slot != AB_SLOT_NONE || s.next_slot != AB_SLOT_NONE) {
        printf("FAIL %s: got {%u, %u} (%s), want corrupt (%s)\n", name, s.active_slot, s.next_slot, why ? why : "ok",
                reason);
        failures++;
    }
}

static void expect_cleared(const char *name, const uint8_t *in, size_t len, const uint8_t *want, size_t want_len,
        size_t first_want, size_t end_want)
{
    uint8_t buf[64];
    memcpy(buf, in, len);
    size_t first, end;
    ab_state_clear_next(buf, len, &first, &end);
    struct ab_state s;
    const char *why = ab_state_decode(buf, len, &s);
    if (want_len != len || memcmp(buf, want, len) != 0 || first != first_want || end != end_want || why || s.next_slot != AB_SLOT_NONE) {
        printf("FAIL %s: cleared bytes/range [%zu, %zu) differ from [%zu, %zu) or do not decode (%s)\n", name, first, end,
                first_want, end_want, why ? why : "ok");
        failures++;
    }
}

int main(void)
{
    expect_state("empty message", (const uint8_t *)"", 0, AB_SLOT_NONE, AB_SLOT_NONE);
    expect_state("active A", BYTES(0x08, 0x01), AB_SLOT_A, AB_SLOT_NONE);
    expect_state("active A next B", BYTES(0x08, 0x01, 0x10, 0x02), AB_SLOT_A, AB_SLOT_B);
    expect_state("fields in reverse order", BYTES(0x10, 0x01, 0x08, 0x02), AB_SLOT_B, AB_SLOT_A);
    expect_state("explicit zero next", BYTES(0x08, 0x02, 0x10, 0x00), AB_SLOT_B, AB_SLOT_NONE);
    expect_state("last occurrence wins", BYTES(0x08, 0x01, 0x08, 0x02), AB_SLOT_B, AB_SLOT_NONE);
    expect_state("non-minimal varint", BYTES(0x08, 0x82, 0x80, 0x00), AB_SLOT_B, AB_SLOT_NONE);
    expect_state("unknown enum value kept", BYTES(0x08, 0x07, 0x10, 0x05), 7, 5);
    expect_state("int32 keeps the low 32 bits", BYTES(0x08, 0x81, 0x80, 0x80, 0x80, 0x10), AB_SLOT_A, AB_SLOT_NONE);
    expect_state("negative enum (10-byte varint)",
            BYTES(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), 0xffffffffu, AB_SLOT_NONE);
    expect_state("unknown varint field", BYTES(0x18, 0x96, 0x01, 0x08, 0x02), AB_SLOT_B, AB_SLOT_NONE);
    expect_state("unknown fixed64 field", BYTES(0x21, 1, 2, 3, 4, 5, 6, 7, 8, 0x10, 0x02), AB_SLOT_NONE, AB_SLOT_B);
    expect_state("unknown fixed32 field", BYTES(0x08, 0x01, 0x2d, 1, 2, 3, 4), AB_SLOT_A, AB_SLOT_NONE);
    expect_state("unknown length-delimited field", BYTES(0x32, 0x03, 'a', 'b', 'c', 0x08, 0x02), AB_SLOT_B, AB_SLOT_NONE);
    expect_state("empty length-delimited field", BYTES(0x32, 0x00, 0x10, 0x01), AB_SLOT_NONE, AB_SLOT_A);
    expect_state("large field number", BYTES(0xf8, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x08, 0x01), AB_SLOT_A, AB_SLOT_NONE);

    expect_corrupt("truncated key", BYTES(0x88), "truncated varint");
    expect_corrupt("truncated value", BYTES(0x08, 0x81), "truncated varint");
    expect_corrupt("key without value", BYTES(0x08, 0x01, 0x10), "truncated varint");
    expect_corrupt("overlong varint", BYTES(0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00),
            "varint longer than 10 bytes");
    expect_corrupt("field number 0", BYTES(0x00, 0x01), "invalid field number");
    expect_corrupt("field number too large", BYTES(0x80, 0x80, 0x80, 0x80, 0x10, 0x00), "invalid field number");
    expect_corrupt("active_slot as a string", BYTES(0x0a, 0x01, 0x01), "slot field is not a varint");
    expect_corrupt("next_slot as fixed32", BYTES(0x15, 0x02, 0, 0, 0), "slot field is not a varint");
    expect_corrupt("truncated length-delimited", BYTES(0x32, 0x05, 'a'), "truncated field");
    expect_corrupt("truncated fixed64", BYTES(0x21, 1, 2, 3), "truncated field");
    expect_corrupt("huge length", BYTES(0x32, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), "truncated field");
    expect_corrupt("group", BYTES(0x1b, 0x1c), "group fields are not supported");
    expect_corrupt("wire type 6", BYTES(0x1e, 0x00), "invalid wire type");
    expect_corrupt("text, not protobuf", (const uint8_t *)"garbage", 7, "invalid wire type");

    expect_cleared("next B", BYTES(0x08, 0x01, 0x10, 0x02), BYTES(0x08, 0x01, 0x10, 0x00), 3, 4);
    expect_cleared("next first", BYTES(0x10, 0x01, 0x08, 0x02), BYTES(0x10, 0x00, 0x08, 0x02), 1, 2);
    expect_cleared("non-minimal next keeps its length", BYTES(0x08, 0x01, 0x10, 0x82, 0x80, 0x00),
            BYTES(0x08, 0x01, 0x10, 0x80, 0x80, 0x00), 3, 6);
    expect_cleared("every occurrence", BYTES(0x10, 0x02, 0x08, 0x01, 0x10, 0x01),
            BYTES(0x10, 0x00, 0x08, 0x01, 0x10, 0x00), 1, 6);
    expect_cleared("unknown fields kept", BYTES(0x32, 0x01, 0x10, 0x10, 0x02, 0x08, 0x01),
            BYTES(0x32, 0x01, 0x10, 0x10, 0x00, 0x08, 0x01), 4, 5);
    expect_cleared("no next field", BYTES(0x08, 0x01), BYTES(0x08, 0x01), 0, 0);

    if (failures) {
        printf("state_test: %d failure(s)\n", failures);
        return 1;
    }
    printf("state_test: all passed\n");
    return 0;
}
