package dev.osimg.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The few Linux system calls the JDK does not expose (ioctls, raw file descriptors), reached
 * through the FFM API, each failure turned into an {@link IOException} carrying errno's text.
 */
public final class Libc {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_CLOEXEC = 02000000;

    /** {@code _IOW(0x94, 9, int)}: make the destination file share the source's extents. */
    public static final long FICLONE = 0x40049409L;
    /** {@code _IOR(0x12, 114, size_t)}: a block device's size in bytes. */
    public static final long BLKGETSIZE64 = 0x80081272L;
    /** {@code _IO(0x12, 104)}: a block device's logical block size. */
    public static final long BLKSSZGET = 0x1268L;
    /** {@code _IO(0x12, 119)}: discard a byte range {@code uint64_t[2]} of a block device. */
    public static final long BLKDISCARD = 0x1277L;
    /** {@code _IO(0x12, 127)}: zero a byte range {@code uint64_t[2]} of a block device. */
    public static final long BLKZEROOUT = 0x127fL;
    /** {@code _IO(0x12, 95)}: make the kernel re-read a block device's partition table. */
    public static final long BLKRRPART = 0x125fL;
    /** {@code _IOR('f', 1, long)}: an inode's flags. */
    public static final long FS_IOC_GETFLAGS = 0x80086601L;
    /** {@code _IOW('f', 2, long)}: set an inode's flags. */
    public static final long FS_IOC_SETFLAGS = 0x40086602L;
    /** The immutable inode flag (efivarfs sets it on every variable file). */
    public static final int FS_IMMUTABLE_FL = 0x10;
    /** {@code fallocate} mode: keep the file size. */
    public static final int FALLOC_FL_KEEP_SIZE = 0x01;
    /** {@code fallocate} mode: deallocate the range (must be combined with KEEP_SIZE). */
    public static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    /** errno: the ioctl does not apply to this file. */
    public static final int ENOTTY = 25;
    /** errno: operation not supported. */
    public static final int EOPNOTSUPP = 95;
    /** errno: device or resource busy. */
    public static final int EBUSY = 16;
    /** {@code errno} ENXIO: no data or hole at or after the offset given to {@code lseek}. */
    public static final int ENXIO = 6;
    /** {@code lseek} whence: the next offset holding data. */
    public static final int SEEK_DATA = 3;
    /** {@code lseek} whence: the next hole (the end of the file counts as one). */
    public static final int SEEK_HOLE = 4;
    /** errno: the file exists. */
    public static final int EEXIST = 17;
    /** errno: invalid argument (also: a flag the filesystem does not support). */
    public static final int EINVAL = 22;
    /** errno: the system call does not exist. */
    public static final int ENOSYS = 38;
    /** {@code flock} operation: an exclusive lock. */
    public static final int LOCK_EX = 2;
    /** errno: interrupted system call. */
    public static final int EINTR = 4;
    /** {@code renameat2} flag: fail with EEXIST instead of replacing the target. */
    public static final int RENAME_NOREPLACE = 1;
    /** {@code renameat2}: paths are relative to the working directory. */
    private static final int AT_FDCWD = -100;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    // Each downcall handle lives in its own holder class, made on first use: linking one costs
    // 5-10 ms at run time (a generated stub the AOT cache cannot keep), and most commands use one
    // or two of them, not all nine (docs/benchmarks.md, "Where the time goes").
    private static final class OpenCall {
        static final MethodHandle HANDLE = handle("open",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    }

    private static final class CloseCall {
        static final MethodHandle HANDLE = handle("close",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    }

    private static final class IoctlIntCall {
        static final MethodHandle HANDLE = handle("ioctl",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
                CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    }

    private static final class IoctlPointerCall {
        static final MethodHandle HANDLE = handle("ioctl",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
                CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    }

    private static final class FallocateCall {
        static final MethodHandle HANDLE = handle("fallocate",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG), CAPTURE_ERRNO);
    }

    private static final class FlockCall {
        static final MethodHandle HANDLE = handle("flock",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    }

    private static final class LseekCall {
        static final MethodHandle HANDLE = handle("lseek",
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
                CAPTURE_ERRNO);
    }

    private static final class Renameat2Call {
        static final MethodHandle HANDLE = handle("renameat2",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    }

    private static final class StrerrorCall {
        static final MethodHandle HANDLE = handle("strerror",
                FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)),
                        ValueLayout.JAVA_INT));
    }

    private Libc() {
    }

    /** Opens a file and returns its raw descriptor. */
    public static int open(Path path, int flags, int mode) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment name = arena.allocateFrom(path.toString());
            int fd = (int) OpenCall.HANDLE.invokeExact(state, name, flags, mode);
            if (fd < 0) {
                throw failure("open " + path, errno(state));
            }
            return fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Closes a raw descriptor. */
    public static void close(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) CloseCall.HANDLE.invokeExact(state, fd);
            if (rc < 0) {
                throw failure("close", errno(state));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code ioctl(fd, request, arg)} with an integer argument; returns errno (0 on success). */
    public static int ioctl(int fd, long request, int arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) IoctlIntCall.HANDLE.invokeExact(state, fd, request, arg);
            return rc < 0 ? errno(state) : 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code ioctl(fd, request, pointer)}; returns errno (0 on success). */
    public static int ioctl(int fd, long request, MemorySegment arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) IoctlPointerCall.HANDLE.invokeExact(state, fd, request, arg);
            return rc < 0 ? errno(state) : 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code ioctl(fd, request, &value)} reading a 64-bit value (BLKGETSIZE64, FS_IOC_GETFLAGS). */
    public static long ioctlReadLong(int fd, long request, String what) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
            int errno = ioctl(fd, request, value);
            if (errno != 0) {
                throw failure(what, errno);
            }
            return value.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** {@code ioctl(fd, request, &value)} reading a 32-bit value (BLKSSZGET). */
    public static int ioctlReadInt(int fd, long request, String what) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
            int errno = ioctl(fd, request, value);
            if (errno != 0) {
                throw failure(what, errno);
            }
            return value.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** {@code ioctl(fd, request, &value)} passing a 64-bit value by pointer (FS_IOC_SETFLAGS); returns errno. */
    public static int ioctlWriteLong(int fd, long request, long value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arg = arena.allocate(ValueLayout.JAVA_LONG);
            arg.set(ValueLayout.JAVA_LONG, 0, value);
            return ioctl(fd, request, arg);
        }
    }

    /** {@code ioctl(fd, request, {offset, length})} for the block range ioctls; returns errno. */
    public static int ioctlRange(int fd, long request, long offset, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment range = arena.allocate(ValueLayout.JAVA_LONG, 2);
            range.setAtIndex(ValueLayout.JAVA_LONG, 0, offset);
            range.setAtIndex(ValueLayout.JAVA_LONG, 1, length);
            return ioctl(fd, request, range);
        }
    }

    /** {@code fallocate(fd, mode, offset, length)}; returns errno (0 on success). */
    public static int fallocate(int fd, int mode, long offset, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) FallocateCall.HANDLE.invokeExact(state, fd, mode, offset, length);
            return rc < 0 ? errno(state) : 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code flock(fd, operation)}; returns errno (0 on success). */
    public static int flock(int fd, int operation) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) FlockCall.HANDLE.invokeExact(state, fd, operation);
            return rc < 0 ? errno(state) : 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code lseek(fd, offset, whence)}: the new offset, or -1 when errno is ENXIO (no data or hole past offset). */
    public static long lseek(int fd, long offset, int whence) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long rc = (long) LseekCall.HANDLE.invokeExact(state, fd, offset, whence);
            if (rc < 0) {
                int errno = errno(state);
                if (errno == ENXIO) {
                return -1;
                }
                throw failure("lseek", errno);
            }
            return rc;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code renameat2(from, to, flags)}; returns errno (0 on success). */
    public static int renameat2(Path from, Path to, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) Renameat2Call.HANDLE.invokeExact(state, AT_FDCWD, arena.allocateFrom(from.toString()), AT_FDCWD,
                arena.allocateFrom(to.toString()), flags);
            return rc < 0 ? errno(state) : 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** An exception saying what failed and errno's text. */
    public static IOException failure(String what, int errno) {
        return new IOException(what + ": " + strerror(errno) + " (errno " + errno + ")");
    }

    /** errno's text. */
    public static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) StrerrorCall.HANDLE.invokeExact(errno);
            return text.getString(0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }
}
