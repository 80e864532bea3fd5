package dev.osimg.efi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EfiVarFsTest {
    private static final String GLOBAL = "8be4df61-93ca-11d2-aa0d-00e098032b8c";

    @TempDir
    Path dir;

    private static LoadOption option(String description) {
        return LoadOption.active(description, DevicePath.hardDriveFile(1, 2048, 4096, UUID.randomUUID(), "/EFI/BOOT/BOOTx64.EFI"));
    }

    @Test
    void addsABootEntryAndPutsItFirstInBootOrder() throws Exception {
        Files.write(dir.resolve("Boot0000-" + GLOBAL), HexFormat.of().parseHex("07000000aa"));
        Files.write(dir.resolve("Boot0001-" + GLOBAL), HexFormat.of().parseHex("07000000bb"));
        Files.write(dir.resolve("BootOrder-" + GLOBAL), HexFormat.of().parseHex("0700000001000000"));
        LoadOption option = option("Metropolis");
        int number = new EfiVarFs(dir).addBootEntry(option);
        assertThat(number).isEqualTo(2);
        byte[] written = Files.readAllBytes(dir.resolve("Boot0002-" + GLOBAL));
        assertThat(HexFormat.of().formatHex(written, 0, 4)).as("attributes NV|BS|RT").isEqualTo("07000000");
        assertThat(java.util.Arrays.copyOfRange(written, 4, written.length)).isEqualTo(option.encode());
        assertThat(HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("BootOrder-" + GLOBAL))))
                .isEqualTo("07000000" + "0200" + "0100" + "0000");
    }

    @Test
    void concurrentAddsNeitherShareANumberNorLoseAnEntryFromBootOrder() throws Exception {
        EfiVarFs vars = new EfiVarFs(dir);
        int writers = 8;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(writers);
        java.util.List<java.util.concurrent.Future<Integer>> numbers = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(writers)) {
            for (int i = 0; i < writers; i++) {
                LoadOption option = option("Install " + i);
                numbers.add(pool.submit(() -> {
                    start.await();
                    return vars.addBootEntry(option);
                }));
            }
        }
        java.util.Set<Integer> distinct = new java.util.TreeSet<>();
        for (var number : numbers) {
            distinct.add(number.get());
        }
        assertThat(distinct).as("one Boot#### per install").hasSize(writers);
        byte[] order = vars.read("BootOrder", EfiVarFs.GLOBAL_VARIABLE);
        java.util.Set<Integer> ordered = new java.util.TreeSet<>();
        java.nio.ByteBuffer entries = java.nio.ByteBuffer.wrap(order).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        while (entries.remaining() >= 2) {
            ordered.add(entries.getShort() & 0xffff);
        }
        assertThat(ordered).as("BootOrder lists every entry").isEqualTo(distinct);
        assertThat(order).hasSize(2 * writers);
    }

    @Test
    void reusesAnIdenticalEntryInsteadOfAddingAnother() throws Exception {
        LoadOption option = option("Metropolis");
        EfiVarFs vars = new EfiVarFs(dir);
        assertThat(vars.addBootEntry(option)).isZero();
        assertThat(vars.addBootEntry(option("Other"))).isEqualTo(1);
        assertThat(vars.addBootEntry(option)).isZero();
        assertThat(HexFormat.of().formatHex(vars.read("BootOrder", EfiVarFs.GLOBAL_VARIABLE))).isEqualTo("00000100");
    }

    @Test
    void clearsTheImmutableFlagBeforeReplacingAVariable() throws Exception {
        Path order = dir.resolve("BootOrder-" + GLOBAL);
        Files.write(order, HexFormat.of().parseHex("070000000500"));
        // efivarfs marks existing variables immutable; ext4 and others take the same flag.
        Tools.Result chattr = Tools.run("chattr", "+i", order.toString());
        if (chattr.exitCode() != 0) {
            throw new AssertionError("the test directory's filesystem has no immutable flag: " + chattr.output());
        }
        try {
            new EfiVarFs(dir).addBootEntry(option("Metropolis"));
            assertThat(HexFormat.of().formatHex(Files.readAllBytes(order))).isEqualTo("07000000" + "0000" + "0500");
        } finally {
            Tools.run("chattr", "-i", order.toString());
        }
    }
}
