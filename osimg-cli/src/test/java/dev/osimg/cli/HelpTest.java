package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Every command's help, as printed by the real entry point, follows the same conventions. */
class HelpTest {
    /** Every command of the tree, by the name a user types. */
    private static Map<String, CommandLine> commands() {
        return Main.commandLine().getSubcommands();
    }

    @Test
    void everyCommandPrintsItsOwnHelp() {
        assertThat(commands()).containsKeys("build", "inspect", "verify", "install", "copy", "push", "pull", "serve", "version");
        List<String> descriptions = new ArrayList<>();
        for (String name : commands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            CliRunner.Result help = CliRunner.inProcess(name, "--help");
            assertThat(help.exitCode()).as(name).isZero();
            assertThat(help.out()).as(name).startsWith("Usage: osimg " + name).contains("--help");
            assertThat(help.err()).as(name).isEmpty();
            String description = String.join(" ", commands().get(name).getCommandSpec().usageMessage().description());
            assertThat(descriptions).as(name + " repeats another command's text").doesNotContain(description);
            descriptions.add(description);
        }
    }

    @Test
    void theNameMainDerivesFromAClassIsTheNameItsAnnotationDeclares() {
        // Main picks the one subcommand to set up by this derived name; a command whose class name
        // did not match would silently cost the start-up of all of them.
        for (Map.Entry<String, CommandLine> command : commands().entrySet()) {
            if (command.getValue().getCommand() instanceof CommandLine.HelpCommand) {
                continue;
            }
            assertThat(Main.commandName(command.getValue().getCommand().getClass())).isEqualTo(command.getKey());
        }
    }

    @Test
    void helpIsWrappedToTheTerminalAndSaysThingsPlainly() {
        List<String> pages = new ArrayList<>();
        pages.add(CliRunner.inProcess("--help").out());
        for (String name : commands().keySet()) {
            pages.add(CliRunner.inProcess(name, "--help").out());
        }
        for (String page : pages) {
            // Without a terminal picocli wraps to 80 columns.
            assertThat(page.lines().filter(line -> line.length() > 80).toList()).isEmpty();
            assertThat(page).doesNotContain("reference writer").doesNotContain("<");
        }
    }

    @Test
    void descriptionsAreWholeParagraphsWithAOneLineSummary() {
        for (CommandLine cmd : commands().values()) {
            CommandSpec spec = cmd.getCommandSpec();
            if (cmd.getCommand() instanceof CommandLine.HelpCommand) {
                continue; // picocli's own text
            }
            String[] description = spec.usageMessage().description();
            assertThat(description).as(spec.qualifiedName()).isNotEmpty();
            assertThat(description[0]).as(spec.qualifiedName() + " summary").endsWith(".").hasSizeLessThanOrEqualTo(60)
                    .doesNotContain("%n");
            for (String paragraph : description) {
                // A paragraph is one element: picocli wraps it; a line ending mid-sentence was cut by hand.
                assertThat(paragraph.isEmpty() || paragraph.matches("(?s).*[.:)]$")).as(spec.qualifiedName() + ": " + paragraph).isTrue();
            }
        }
        String top = CliRunner.inProcess("--help").out();
        String list = top.substring(top.indexOf("Commands:"), top.indexOf("Exit codes"));
        for (String name : commands().keySet()) {
            assertThat(list).as("one line for " + name).containsPattern("(?m)^  " + name + " +\\S.*\\.$");
        }
    }

    @Test
    void optionLabelsAreWordsAndDescriptionsAreSentences() {
        for (CommandLine cmd : commands().values()) {
            for (ArgSpec arg : cmd.getCommandSpec().args()) {
                String where = cmd.getCommandSpec().qualifiedName() + " " + (arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel());
                if (arg.typeInfo().isBoolean()) {
                    continue;
                }
                assertThat(arg.paramLabel()).as(where).doesNotStartWith("<").doesNotContainPattern("[a-z]{2}[A-Z]");
                assertThat(String.join(" ", arg.description())).as(where).isNotBlank().matches("(?s).*[.)]$");
            }
        }
    }

    @Test
    void commandsOfferOnlyTheRegistryOptionsThatMeanSomethingThere() {
        assertThat(CliRunner.inProcess("push", "--help").out()).doesNotContain("--mirror").contains("--jobs");
        assertThat(CliRunner.inProcess("build", "--help").out()).doesNotContain("--mirror").contains("--jobs");
        assertThat(CliRunner.inProcess("pull", "--help").out()).contains("--mirror").contains("--jobs");
        assertThat(CliRunner.inProcess("copy", "--help").out()).contains("--mirror").contains("--jobs");
        assertThat(CliRunner.inProcess("update", "--help").out()).contains("--mirror").contains("--jobs");
        for (String command : List.of("login", "delete")) {
            assertThat(CliRunner.inProcess(command, "--help").out()).as(command).doesNotContain("--mirror").doesNotContain("--jobs");
        }
        for (String command : List.of("inspect", "verify", "install", "launch", "sign", "tags")) {
            assertThat(CliRunner.inProcess(command, "--help").out()).as(command).contains("--mirror").doesNotContain("--jobs");
        }
    }
}
