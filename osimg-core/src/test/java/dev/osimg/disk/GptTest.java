package dev.osimg.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.osimg.testing.Tools;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GptTest {
    private static final UUID LINUX = UUID.fromString("0fc63daf-8483-4772-8e79-3d69d8477de4");
    private static final UUID ESP = UUID.fromString("c12a7328-f81f-11d2-ba4b-00a0c93ec93b");

    @TempDir
    Path dir;

    private Gpt sample(long totalBlocks) {
        return new Gpt(UUID.fromString("11111111-2222-3333-4444-555555555555"), List.of(
                new GptPartition(ESP, UUID.fromString("aaaaaaaa-0000-4000-8000-000000000001"), 2048, 4095, 0, "ESP"),
                new GptPartition(LINUX, UUID.fromString("aaaaaaaa-0000-4000-8000-000000000002"), 4096,
                        Gpt.lastUsableLba(totalBlocks, 512), 1L << 60, "Ünïcode name, 36 chars long....----")));
    }

    @Test
    void writtenTableIsValidForSgdiskAndSfdisk() throws Exception {
        Path file = dir.resolve("disk.img");
        long blocks = 16 << 11;
        try (ImageFileDevice d = ImageFileDevice.create(file, blocks * 512, 512)) {
            sample(blocks).write(d, new byte[0]);
        }
        String verify = Tools.ok("sgdisk", "-v", file.toString());
        assertThat(verify).contains("No problems found");
        JsonNode table = JsonMapper.builder().build().readTree(Tools.ok("sfdisk", "--json", file.toString())).get("partitiontable");
        assertThat(table.get("label").asText()).isEqualTo("gpt");
        assertThat(table.get("id").asText()).isEqualTo("11111111-2222-3333-4444-555555555555".toUpperCase());
        JsonNode parts = table.get("partitions");
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).get("start").asLong()).isEqualTo(2048);
        assertThat(parts.get(0).get("size").asLong()).isEqualTo(2048);
        assertThat(parts.get(0).get("type").asText()).isEqualToIgnoringCase(ESP.toString());
        assertThat(parts.get(0).get("uuid").asText()).isEqualToIgnoringCase("aaaaaaaa-0000-4000-8000-000000000001");
        assertThat(parts.get(1).get("name").asText()).isEqualTo("Ünïcode name, 36 chars long....----");
        assertThat(parts.get(1).get("start").asLong() + parts.get(1).get("size").asLong() - 1)
                .isEqualTo(Gpt.lastUsableLba(blocks, 512));
        // Protective MBR: sgdisk reports the disk as pure GPT.
        assertThat(Tools.ok("sgdisk", "-p", file.toString())).doesNotContain("hybrid").doesNotContain("MBR only");
    }

    @Test
    void readsBackWhatWasWritten() throws Exception {
        long blocks = 16 << 11;
        try (ImageFileDevice d = ImageFileDevice.create(dir.resolve("d.img"), blocks * 512, 512)) {
            sample(blocks).write(d, new byte[0]);
            assertThat(Gpt.read(d)).isEqualTo(sample(blocks));
        }
    }

    @Test
    void readFallsBackToTheBackupWhenThePrimaryIsDamaged() throws Exception {
        long blocks = 16 << 11;
        try (ImageFileDevice d = ImageFileDevice.create(dir.resolve("d.img"), blocks * 512, 512)) {
            sample(blocks).write(d, new byte[0]);
            d.write(2 * 512 + 40, ByteBuffer.wrap(new byte[] {1})); // an entry byte: entry array CRC no longer matches
            assertThat(Gpt.read(d)).isEqualTo(sample(blocks));
            d.write(512 + 16, ByteBuffer.wrap(new byte[] {1, 2, 3, 4})); // the header CRC itself
            assertThat(Gpt.read(d)).isEqualTo(sample(blocks));
        }
    }

    @Test
    void rejectsADiskWhoseBothTablesAreDamaged() throws Exception {
        long blocks = 16 << 11;
        try (ImageFileDevice d = ImageFileDevice.create(dir.resolve("d.img"), blocks * 512, 512)) {
            sample(blocks).write(d, new byte[0]);
            d.write(512 + 88, ByteBuffer.wrap(new byte[] {9, 9})); // entries CRC field in the primary header
            d.write((blocks - 1) * 512, ByteBuffer.wrap(new byte[] {0})); // backup signature
            assertThatThrownBy(() -> Gpt.read(d)).isInstanceOf(GptException.class)
                    .hasMessageContaining("has no valid GPT")
                    .hasMessageContaining("primary: header CRC32 mismatch")
                    .hasMessageContaining("backup: no \"EFI PART\" signature");
        }
    }

    @Test
    void writesFourKibibyteSectorDisks() throws Exception {
        Path file = dir.resolve("4k.img");
        long blocks = 16 << 8;
        Gpt gpt = new Gpt(UUID.randomUUID(), List.of(new GptPartition(ESP, UUID.randomUUID(), 256, 1023, 0, "ESP")));
        try (ImageFileDevice d = ImageFileDevice.create(file, blocks * 4096, 4096)) {
            gpt.write(d, new byte[0]);
            assertThat(Gpt.read(d)).isEqualTo(gpt);
        }
        assertThat(Gpt.firstUsableLba(4096)).isEqualTo(6);
        assertThat(Gpt.lastUsableLba(blocks, 4096)).isEqualTo(blocks - 6);
    }

    @Test
    void protectiveMbrCarriesBootCodeAndCoversTheDisk() {
        byte[] code = new byte[440];
        code[0] = (byte) 0xFA;
        byte[] mbr = ProtectiveMbr.sector(code, 1L << 40);
        assertThat(mbr[0]).isEqualTo((byte) 0xFA);
        assertThat(mbr[446 + 4]).isEqualTo((byte) 0xEE);
        assertThat(ByteBuffer.wrap(mbr).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(446 + 12)).isEqualTo(-1);
        assertThat(mbr[510]).isEqualTo((byte) 0x55);
        assertThat(mbr[511]).isEqualTo((byte) 0xAA);
        assertThatThrownBy(() -> ProtectiveMbr.sector(new byte[441], 100)).hasMessageContaining("at most 440");
    }

    @Test
    void refusesPartitionsOutsideTheUsableArea() throws Exception {
        try (ImageFileDevice d = ImageFileDevice.create(dir.resolve("d.img"), 4 << 20, 512)) {
            Gpt gpt = new Gpt(UUID.randomUUID(), List.of(new GptPartition(ESP, UUID.randomUUID(), 2048, 8191, 0, "ESP")));
            assertThatThrownBy(() -> gpt.write(d, new byte[0])).hasMessageContaining("outside the usable LBAs");
        }
    }
}
