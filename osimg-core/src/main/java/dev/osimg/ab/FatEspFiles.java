package dev.osimg.ab;

import dev.osimg.blob.Blob;
import dev.osimg.blob.Progress;
import dev.osimg.disk.Fat32Volume;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;

/** The files of an ESP that is not mounted: its FAT32 filesystem edited in place (see {@link Fat32Volume}). */
final class FatEspFiles implements EspFiles {
    private final Fat32Volume volume;
    private final String where;

    FatEspFiles(Fat32Volume volume, String where) {
        this.volume = volume;
        this.where = where;
    }

    @Override
    public Optional<byte[]> read(String path) throws IOException {
        Optional<Fat32Volume.Entry> e = volume.find(path);
        return e.isEmpty() || e.get().directory() ? Optional.empty() : Optional.of(volume.readFile(path));
    }

    @Override
    public OptionalLong size(String path) throws IOException {
        Optional<Fat32Volume.Entry> e = volume.find(path);
        return e.isEmpty() || e.get().directory() ? OptionalLong.empty() : OptionalLong.of(e.get().size());
    }

    @Override
    public void write(String path, Blob content, Progress progress) throws IOException {
        volume.writeFile(path, content, LocalDateTime.now(ZoneOffset.UTC).withNano(0), progress);
    }

    @Override
    public void delete(String path) throws IOException {
        volume.deleteFile(path);
    }

    @Override
    public long freeBytes() {
        return volume.freeBytes();
    }

    @Override
    public long allocatedSize(long size) {
        return volume.allocatedSize(size);
    }

    @Override
    public String where() {
        return where;
    }
}
