/*
 * osimg-abloader: the UEFI A/B loader that osimg installs at EFI/BOOT/BOOTx64.EFI.
 *
 * On every boot it reads \EFI\metropolis\loader_state.pb from the ESP it was loaded from, boots next_slot
 * once (clearing it on disk before anything is loaded) or else active_slot, falls back to the other slot
 * when a slot's file fails, and tells the booted OS what it did through the Boot Loader Interface
 * variables. See docs/loader.md.
 */
#include <efi.h>
#include <efilib.h>

#include "state.h"

#ifndef LOADER_VERSION
#error "LOADER_VERSION must be defined (the Makefile passes the project version)"
#endif

#define WIDEN2(s) L##s
#define WIDEN(s) WIDEN2(s)
#define STRINGIFY2(x) #x
#define STRINGIFY(x) STRINGIFY2(x)

#define PREFIX L"osimg-abloader: "
#define STATE_PATH L"\\EFI\\metropolis\\loader_state.pb"
/* The message holds two small varints; anything this large is not a state file. */
#define STATE_MAX 4096
/* How long the "cannot boot" message stays on screen before the firmware takes over again. */
#define FAILURE_PAUSE_US (5 * 1000 * 1000)
#define IDENTIFIER_MAX 512
#define REASON_MAX 160

/* The Boot Loader Interface vendor GUID (systemd's documented loader variables). */
static EFI_GUID loader_interface_guid = { 0x4a67b082, 0x0a4c, 0x41cf, { 0xb6, 0xc7, 0x44, 0x0b, 0x29, 0xbb, 0x8c, 0x4f } };

static CHAR16 *const slot_files[] = { NULL, L"boot-a.efi", L"boot-b.efi" };
static CHAR16 *const slot_paths[] = { NULL, L"\\EFI\\metropolis\\boot-a.efi", L"\\EFI\\metropolis\\boot-b.efi" };
static const CHAR16 slot_names[] = { L'-', L'A', L'B' };

static enum ab_slot other_slot(enum ab_slot slot)
{
    return slot == AB_SLOT_A ? AB_SLOT_B : AB_SLOT_A;
}

/* Sets one volatile Boot Loader Interface variable to a UTF-16 string with its trailing NUL. */
static void set_loader_variable(CHAR16 *name, CHAR16 *value)
{
    UINTN size = (StrLen(value) + 1) * sizeof(CHAR16);
    EFI_STATUS status = uefi_call_wrapper(RT->SetVariable, 5, name, &loader_interface_guid,
            EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS, size, value);
    if (EFI_ERROR(status)) {
        Print(PREFIX L"cannot set the EFI variable %s: %r\n", name, status);
    }
}

/*
 * The GPT partition GUID of the HardDrive node in a device path, as upper-case text; FALSE when the device is
 * not a GPT partition. The node stores the GUID in the EFI byte order: three little-endian groups, then bytes.
 */
static BOOLEAN partition_guid(EFI_DEVICE_PATH *path, CHAR16 out[37])
{
    static const CHAR16 hex[] = L"0123456789ABCDEF";
    static const UINT8 order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
    for (EFI_DEVICE_PATH *node = path; node && !IsDevicePathEnd(node); node = NextDevicePathNode(node)) {
        if (DevicePathType(node) != MEDIA_DEVICE_PATH || DevicePathSubType(node) != MEDIA_HARDDRIVE_DP) {
            continue;
        }
        HARDDRIVE_DEVICE_PATH *hd = (HARDDRIVE_DEVICE_PATH *)node;
        if (hd->SignatureType != SIGNATURE_TYPE_GUID) {
            return FALSE;
        }
        UINTN o = 0;
        for (UINTN i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                out[o++] = L'-';
            }
            UINT8 b = hd->Signature[order[i]];
            out[o++] = hex[b >> 4];
            out[o++] = hex[b & 0xf];
        }
        out[o] = 0;
        return TRUE;
    }
    return FALSE;
}

/* The loader's own path on its volume: the file path nodes of its loaded image, joined. FALSE if it has none. */
static BOOLEAN image_identifier(EFI_DEVICE_PATH *path, CHAR16 out[IDENTIFIER_MAX])
{
    UINTN o = 0;
    for (EFI_DEVICE_PATH *node = path; node && !IsDevicePathEnd(node); node = NextDevicePathNode(node)) {
        if (DevicePathType(node) != MEDIA_DEVICE_PATH || DevicePathSubType(node) != MEDIA_FILEPATH_DP) {
            continue;
        }
        CHAR16 *name = ((FILEPATH_DEVICE_PATH *)node)->PathName;
        UINTN chars = (DevicePathNodeLength(node) - SIZE_OF_FILEPATH_DEVICE_PATH) / sizeof(CHAR16);
        if (o > 0 && out[o - 1] != L'\\' && chars > 0 && name[0] != L'\\' && o < IDENTIFIER_MAX - 1) {
            out[o++] = L'\\';
        }
        for (UINTN i = 0; i < chars && name[i] && o < IDENTIFIER_MAX - 1; i++) {
            out[o++] = name[i];
        }
    }
    out[o] = 0;
    return o > 0;
}

/* Reads the whole state file into buf (STATE_MAX bytes); EFI_BAD_BUFFER_SIZE when it is larger. */
static EFI_STATUS read_state(EFI_FILE_HANDLE root, UINT8 *buf, UINTN *len)
{
    EFI_FILE_HANDLE file;
    EFI_STATUS status = uefi_call_wrapper(root->Open, 5, root, &file, STATE_PATH, EFI_FILE_MODE_READ, 0);
    if (EFI_ERROR(status)) {
        return status;
    }
    UINTN total = 0;
    for (;;) {
        UINT8 probe;
        UINT8 *at = total < STATE_MAX ? buf + total : &probe;
        UINTN n = total < STATE_MAX ? STATE_MAX - total : 1;
        status = uefi_call_wrapper(file->Read, 3, file, &n, at);
        if (EFI_ERROR(status) || n == 0) {
            break;
        }
        if (at == &probe) {
            status = EFI_BAD_BUFFER_SIZE;
            break;
        }
        total += n;
    }
    uefi_call_wrapper(file->Close, 1, file);
    *len = total;
    return status;
}

/*
 * Clears next_slot in the state file by rewriting only the bytes of its value, in place and at the same length
 * (see ab_state_clear_next): the file never changes size, so a crash leaves either the old or the new bytes.
 */
static EFI_STATUS clear_next(EFI_FILE_HANDLE root, UINT8 *buf, UINTN len)
{
    size_t first, end;
    ab_state_clear_next(buf, len, &first, &end);
    EFI_FILE_HANDLE file;
    EFI_STATUS status = uefi_call_wrapper(root->Open, 5, root, &file, STATE_PATH,
            EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0);
    if (EFI_ERROR(status)) {
        return status;
    }
    UINTN n = end - first;
    status = uefi_call_wrapper(file->SetPosition, 2, file, first);
    if (!EFI_ERROR(status)) {
        status = uefi_call_wrapper(file->Write, 3, file, &n, buf + first);
    }
    if (!EFI_ERROR(status) && n != end - first) {
        status = EFI_VOLUME_FULL;
    }
    if (!EFI_ERROR(status)) {
        status = uefi_call_wrapper(file->Flush, 1, file);
    }
    EFI_STATUS closed = uefi_call_wrapper(file->Close, 1, file);
    return EFI_ERROR(status) ? status : closed;
}

/* Decides which slot to boot and why (reason: "next", "active" or "default"), clearing a one-shot next_slot. */
static enum ab_slot choose_slot(EFI_HANDLE device, CHAR16 **reason)
{
    static UINT8 buf[STATE_MAX];
    *reason = L"default";
    EFI_FILE_IO_INTERFACE *volume;
    EFI_STATUS status = uefi_call_wrapper(BS->HandleProtocol, 3, device, &FileSystemProtocol, (void **)&volume);
    EFI_FILE_HANDLE root;
    if (!EFI_ERROR(status)) {
        status = uefi_call_wrapper(volume->OpenVolume, 2, volume, &root);
    }
    if (EFI_ERROR(status)) {
        Print(PREFIX L"cannot open the ESP it was loaded from (%r); using slot A\n", status);
        return AB_SLOT_A;
    }
    UINTN len = 0;
    status = read_state(root, buf, &len);
    struct ab_state state = { AB_SLOT_NONE, AB_SLOT_NONE };
    if (status == EFI_NOT_FOUND) {
        Print(PREFIX L"no state file %s; using slot A\n", STATE_PATH);
    } else if (status == EFI_BAD_BUFFER_SIZE) {
        Print(PREFIX L"state file %s is corrupt (larger than " WIDEN(STRINGIFY(STATE_MAX)) L" bytes); using slot A\n", STATE_PATH);
    } else if (EFI_ERROR(status)) {
        Print(PREFIX L"cannot read state file %s (%r); using slot A\n", STATE_PATH, status);
    } else {
        const char *why = ab_state_decode(buf, len, &state);
        if (why) {
            Print(PREFIX L"state file %s is corrupt (%a); using slot A\n", STATE_PATH, why);
        }
    }
    enum ab_slot slot = AB_SLOT_A;
    BOOLEAN took_next = FALSE;
    if (state.next_slot == AB_SLOT_A || state.next_slot == AB_SLOT_B) {
        status = clear_next(root, buf, len);
        if (EFI_ERROR(status)) {
            /* A next slot that cannot be cleared would be booted on every boot: never trial it. */
            Print(PREFIX L"cannot clear next_slot %c in %s (%r); ignoring it\n",
                    slot_names[state.next_slot], STATE_PATH, status);
        } else {
            slot = state.next_slot;
            *reason = L"next";
            took_next = TRUE;
        }
    }
    if (!took_next && (state.active_slot == AB_SLOT_A || state.active_slot == AB_SLOT_B)) {
        slot = state.active_slot;
        *reason = L"active";
    }
    uefi_call_wrapper(root->Close, 1, root);
    return slot;
}

/*
 * Loads and starts the slot's file by the loader's own device plus the file's path. Returns the status of
 * LoadImage when it fails, else what the started image returned.
 */
static EFI_STATUS boot_slot(EFI_HANDLE self, EFI_HANDLE device, enum ab_slot slot, CHAR16 *reason)
{
    EFI_DEVICE_PATH *path = FileDevicePath(device, slot_paths[slot]);
    if (!path) {
        return EFI_OUT_OF_RESOURCES;
    }
    EFI_HANDLE child = NULL;
    EFI_STATUS status = uefi_call_wrapper(BS->LoadImage, 6, FALSE, self, path, NULL, 0, &child);
    FreePool(path);
    if (EFI_ERROR(status)) {
        /* A Secure Boot refusal still hands out an image handle that must be unloaded. */
        if (child) {
            uefi_call_wrapper(BS->UnloadImage, 1, child);
        }
        return status;
    }
    set_loader_variable(L"LoaderEntrySelected", slot_files[slot]);
    Print(PREFIX L"booting slot %c (%s)\n", slot_names[slot], reason);
    return uefi_call_wrapper(BS->StartImage, 3, child, NULL, NULL);
}

EFI_STATUS efi_main(EFI_HANDLE self, EFI_SYSTEM_TABLE *system_table)
{
    InitializeLib(self, system_table);
    EFI_LOADED_IMAGE *loaded;
    EFI_STATUS status = uefi_call_wrapper(BS->HandleProtocol, 3, self, &LoadedImageProtocol, (void **)&loaded);
    if (EFI_ERROR(status)) {
        Print(PREFIX L"cannot find its own loaded image (%r); returning to the firmware\n", status);
        uefi_call_wrapper(BS->Stall, 1, FAILURE_PAUSE_US);
        return status;
    }
    EFI_HANDLE device = loaded->DeviceHandle;

    set_loader_variable(L"LoaderInfo", L"osimg-abloader " WIDEN(LOADER_VERSION));
    CHAR16 guid[37];
    if (partition_guid(DevicePathFromHandle(device), guid)) {
        set_loader_variable(L"LoaderDevicePartUUID", guid);
    }
    static CHAR16 identifier[IDENTIFIER_MAX];
    if (image_identifier(loaded->FilePath, identifier)) {
        set_loader_variable(L"LoaderImageIdentifier", identifier);
    }

    CHAR16 *reason;
    enum ab_slot slot = choose_slot(device, &reason);
    EFI_STATUS first = boot_slot(self, device, slot, reason);
    if (!EFI_ERROR(first)) {
        return first;
    }
    CHAR16 fallback[REASON_MAX];
    SPrint(fallback, sizeof(fallback), L"fallback: %s failed: %r", slot_files[slot], first);
    enum ab_slot other = other_slot(slot);
    EFI_STATUS second = boot_slot(self, device, other, fallback);
    if (!EFI_ERROR(second)) {
        return second;
    }
    Print(PREFIX L"cannot boot: %s failed: %r, %s failed: %r; returning to the firmware\n",
            slot_files[slot], first, slot_files[other], second);
    uefi_call_wrapper(BS->Stall, 1, FAILURE_PAUSE_US);
    return second;
}
