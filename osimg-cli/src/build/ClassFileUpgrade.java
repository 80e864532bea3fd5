import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassElement;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Build step (run by Maven as a single-file program): rewrites the class files of a dependency jar
 * that are older than Java 6 (major version below 50) as Java 8 class files with stack maps, in place.
 *
 * <p>Why: the JDK's ahead-of-time cache (JEP 483) refuses "old" classes, which need the old
 * type-inferring verifier, so picocli's classes (compiled for Java 5) were loaded from the jar and
 * verified at every start of osimg, 0.1 s of CPU per command. The code of every method is the
 * same instructions; only the version and the generated StackMapTable attributes change, and the
 * JVM's verifier checks the result at load time as for any other class. Nothing else is touched.
 */
public final class ClassFileUpgrade {
    private static final int UPGRADED_MAJOR = 52;

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: java ClassFileUpgrade.java JAR...");
            System.exit(2);
        }
        for (String arg : args) {
            Path jar = Path.of(arg);
            int upgraded = upgrade(jar);
            System.out.println("ClassFileUpgrade: " + jar.getFileName() + ": " + upgraded + " class files rewritten as Java 8");
        }
    }

    private static int upgrade(Path jar) throws IOException {
        Path temporary = jar.resolveSibling(jar.getFileName() + ".upgrade.tmp");
        int upgraded = 0;
        try (URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             InputStream in = Files.newInputStream(jar);
             ZipInputStream zipIn = new ZipInputStream(in);
             OutputStream out = Files.newOutputStream(temporary);
             ZipOutputStream zipOut = new ZipOutputStream(out)) {
            // Stack maps need the common superclass of two types: the jar's own classes and the JDK's.
            ClassFile classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofResourceParsing(classes))));
            for (ZipEntry entry; (entry = zipIn.getNextEntry()) != null; ) {
                byte[] bytes = zipIn.readAllBytes();
                if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")) {
                    ClassModel model = classFile.parse(bytes);
                    if (model.majorVersion() < 50) {
                        bytes = rewrite(classFile, model);
                        upgraded++;
                    }
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                zipOut.putNextEntry(copy);
                zipOut.write(bytes);
                zipOut.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return upgraded;
    }

    /** The same class at version 52; every method's code is passed through so that stack maps are generated. */
    private static byte[] rewrite(ClassFile classFile, ClassModel model) {
        return classFile.build(model.thisClass().asSymbol(), builder -> {
            builder.withVersion(UPGRADED_MAJOR, 0);
            for (ClassElement element : model) {
                if (element instanceof ClassFileVersion) {
                    continue;
                }
                if (element instanceof MethodModel method) {
                    builder.transformMethod(method, MethodTransform.transformingCode(CodeTransform.ACCEPT_ALL));
                } else {
                    builder.with(element);
                }
            }
        });
    }
}
