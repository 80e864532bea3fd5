package dev.osimg.ab;

/**
 * The program the firmware starts from an ESP: its path, size and digest, and whether it boots the kernel directly
 * (installed without the A/B loader, so slot switches never take effect).
 */
public record BootProgram(String path, long size, String digest, boolean directBoot) {
}
