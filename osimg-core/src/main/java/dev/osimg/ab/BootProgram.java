package dev.osimg.ab;

/**
 * The program the firmware starts from an ESP: its path, size and digest, whether it is osimg's A/B loader (of any
 * version: it carries its name), and whether it boots the kernel directly (installed without an A/B loader, so slot
 * switches never take effect).
 */
public record BootProgram(String path, long size, String digest, boolean osimgLoader, boolean directBoot) {
}
