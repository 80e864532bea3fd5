/*
 * The A/B loader state file EFI/metropolis/loader_state.pb: the protobuf message
 * ABLoaderData { Slot active_slot = 1; Slot next_slot = 2; }, Slot { NONE = 0; A = 1; B = 2; }.
 * Plain C without UEFI types, so that the same code is unit-tested on the build host.
 */
#ifndef OSIMG_LOADER_STATE_H
#define OSIMG_LOADER_STATE_H

#include <stddef.h>
#include <stdint.h>

enum ab_slot {
    AB_SLOT_NONE = 0,
    AB_SLOT_A = 1,
    AB_SLOT_B = 2,
};

/* The decoded message. Slots keep the raw enum number (proto3 enums are open): unknown values are not errors. */
struct ab_state {
    uint32_t active_slot;
    uint32_t next_slot;
};

/*
 * Decodes a serialized ABLoaderData the way a protobuf parser does: fields may come in any order and repeat
 * (the last one wins), unknown fields of every wire type are skipped. Returns NULL on success, else a short
 * English reason (static string) for a message that cannot be decoded; *out is then {NONE, NONE}.
 */
const char *ab_state_decode(const uint8_t *buf, size_t len, struct ab_state *out);

/*
 * Rewrites, inside an already decodable buf, the value of every next_slot field as zero encoded in the same
 * number of bytes, so that the message decodes to next_slot = NONE while keeping its length and every other
 * byte: the state file can be rewritten in place without changing its size. Sets *first and *end to the
 * range of bytes changed (both 0 when there was no next_slot field).
 */
void ab_state_clear_next(uint8_t *buf, size_t len, size_t *first, size_t *end);

#endif
