import dev.osimg.cli.Main;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes the release's bash completion script and AsciiDoc man pages from the commands as users
 * see them ({@link Main#commandLine()}). Run by scripts/release with the CLI jars and picocli-codegen
 * on the class path: java -cp ... scripts/ReleaseDocs.java COMPLETION_FILE ADOC_DIR
 */
public final class ReleaseDocs {
    public static void main(String[] args) throws Exception {
        CommandLine cli = Main.commandLine();
        Files.writeString(Path.of(args[0]), AutoComplete.bash("osimg", cli));
        int status = ManPageGenerator.generateManPage(new File(args[1]), null, new boolean[0], true, cli.getCommandSpec());
        if (status != 0) {
            throw new IllegalStateException("man page generation failed: " + status);
        }
    }
}
