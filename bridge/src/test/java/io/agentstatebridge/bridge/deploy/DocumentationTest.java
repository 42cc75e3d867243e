package io.agentstatebridge.bridge.deploy;

import io.agentstatebridge.bridge.cli.BridgeCommand;
import io.agentstatebridge.bridge.cli.ConfiguredCommand;
import io.agentstatebridge.bridge.config.EnvironmentVariables;
import io.agentstatebridge.bridge.config.Setting;
import io.agentstatebridge.bridge.config.Settings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README and docs/ against the code: the settings table is the registry's, every variable they
 * name exists, the command lines they show use options their command has, their links lead to files,
 * and the upgrade page lists every renamed variable. Docs that drift from the code fail here.
 */
class DocumentationTest {
    private static final String README = "README.md";
    private static final String TABLE_START = "<!-- settings table:";
    private static final String TABLE_END = "<!-- end of settings table -->";
    /** Regenerates the README's table instead of comparing it. */
    private static final boolean WRITE_TABLE = Boolean.getBoolean("settings.table.write");
    private static final Pattern VARIABLE = Pattern.compile("(?<![A-Z0-9_])(?:AGENT_STATE_)?BRIDGE_[A-Z0-9_]*[A-Z0-9]");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(?:#[^)]*)?\\)");
    private static final Pattern BRIDGE_COMMAND_LINE = Pattern.compile("agent-state-bridge\\.jar\\s+([a-z]+)(.*)");
    private static final Pattern OPTION = Pattern.compile("(?<=\\s)--[a-z][a-z-]*");
    /** How the bridge refuses a misspelt variable: a docs example of that names one on purpose. */
    private static final String UNKNOWN = "unknown environment variable ";
    /** Written with the benchmark's rework, in another change; the README links to it already. */
    private static final List<String> PENDING = List.of("docs/performance.md");

    private final RepositoryFiles files = RepositoryFiles.locate();

    @Test
    void readmeSettingsTableIsTheRegistrys() throws IOException {
        String readme = files.text(README);
        int start = readme.indexOf(TABLE_START);
        int end = readme.indexOf(TABLE_END);
        assertThat(start).as("%s needs the markers %s... and %s around the settings table", README, TABLE_START, TABLE_END)
                .isNotNegative().isLessThan(end);
        int tableStart = readme.indexOf('\n', start) + 1;
        String expected = settingsTable();
        if (WRITE_TABLE) {
            Files.writeString(files.path(README), readme.substring(0, tableStart) + expected + readme.substring(end));
            return;
        }
        assertThat(readme.substring(tableStart, end))
                .as("the settings table of %s, made from Settings.java; regenerate it with -Dsettings.table.write=true", README)
                .isEqualTo(expected);
    }

    @Test
    void docsNameOnlyVariablesTheBridgeReads() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : documents()) {
            String relative = files.root().relativize(file).toString();
            String text = Files.readString(file);
            Matcher variable = VARIABLE.matcher(text);
            while (variable.find()) {
                String name = variable.group();
                boolean shownAsRefused = text.startsWith(UNKNOWN, variable.start() - UNKNOWN.length());
                if (name.startsWith(Settings.ENV_PREFIX) && !EnvironmentVariables.KNOWN.contains(name) && !shownAsRefused) {
                    problems.add(relative + " names " + name + ", which the bridge does not read (it would refuse it)");
                } else if (EnvironmentVariables.FORMER.containsKey(name) && !relative.equals("docs/upgrade.md")) {
                    problems.add(relative + " names " + name + ", which the bridge no longer reads: "
                            + EnvironmentVariables.FORMER.get(name));
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void upgradePageListsEveryRenamedVariable() {
        String upgrade = files.text("docs/upgrade.md");
        EnvironmentVariables.FORMER.forEach((former, now) -> assertThat(upgrade)
                .as("docs/upgrade.md's table of renamed variables").contains("| `" + former + "` | `" + now + "` |"));
    }

    @Test
    void commandLinesInTheDocsUseOptionsTheirCommandHas() throws IOException {
        Map<String, CommandLine> commands = new CommandLine(new BridgeCommand()).getSubcommands();
        List<String> problems = new ArrayList<>();
        for (Path file : markdown()) {
            // A command continued over several lines with a backslash is one command line.
            String text = Files.readString(file).replaceAll("\\\\\\n\\s*", " ");
            for (String line : text.split("\n")) {
                Matcher command = BRIDGE_COMMAND_LINE.matcher(line);
                if (!command.find() || !commands.containsKey(command.group(1))) {
                    continue;
                }
                CommandLine.Model.CommandSpec spec = commands.get(command.group(1)).getCommandSpec();
                Matcher option = OPTION.matcher(command.group(2));
                while (option.find()) {
                    if (spec.findOption(option.group()) == null) {
                        problems.add(files.root().relativize(file) + ": `" + command.group(1) + "` has no option " + option.group()
                                + " (in: " + line.strip() + ")");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void linksLeadToFilesOfTheRepository() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : markdown()) {
            Matcher link = LINK.matcher(Files.readString(file));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http:, https:, mailto:
                }
                Path resolved = file.getParent().resolve(target).normalize();
                if (!Files.exists(resolved) && !PENDING.contains(files.root().relativize(resolved).toString())) {
                    problems.add(files.root().relativize(file) + " links to " + target + ", which does not exist");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void docsStopComposeProfilesWithTheirProfile() {
        ComposeFile compose = new ComposeFile(files);
        String deployment = files.text("docs/deployment.md");
        for (String service : compose.serviceNames()) {
            compose.service(service).path("profiles").forEach(profile -> assertThat(deployment)
                    .as("docs/deployment.md must say to stop profile %s's services (%s) with it: Compose's `down` leaves the "
                            + "services of profiles it is not given running", profile.asText(), service)
                    .contains("docker compose --profile " + profile.asText() + " down"));
        }
    }

    /** The README's table of settings, made from their declarations and the commands that take them. */
    static String settingsTable() {
        Map<Setting<?>, List<String>> commands = new LinkedHashMap<>();
        new CommandLine(new BridgeCommand()).getSubcommands().forEach((name, command) -> {
            if (command.getCommand() instanceof ConfiguredCommand configured) {
                configured.settings().forEach(setting -> commands.computeIfAbsent(setting, s -> new ArrayList<>()).add(name));
            }
        });
        StringBuilder table = new StringBuilder("| Option | Environment variable | Default | Commands | What it does |\n"
                + "|---|---|---|---|---|\n");
        for (Setting<?> setting : Settings.ALL) {
            String option = setting.option() == null ? "" : "`" + setting.option() + (setting.isPassword() ? " FILE" : "") + "`";
            String variables = setting.variables().stream().map(v -> "`" + v + "`").collect(Collectors.joining(", "));
            String defaultValue = setting.required() ? "required" : setting.isFlag() ? "off"
                    : setting.defaultValue() == null ? "" : "`" + setting.defaultValue() + "`";
            String takenBy = Settings.EVERY_COMMAND.contains(setting) ? "all"
                    : String.join(", ", commands.getOrDefault(setting, List.of()));
            table.append("| ").append(option).append(" | ").append(variables).append(" | ").append(defaultValue).append(" | ")
                    .append(takenBy).append(" | ").append(setting.description().replace("|", "\\|")).append(" |\n");
        }
        return table.toString();
    }

    private List<Path> markdown() throws IOException {
        List<Path> markdown = new ArrayList<>(List.of(files.path(README)));
        try (Stream<Path> docs = Files.walk(files.root().resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(markdown::add);
        }
        return markdown;
    }

    /** Everything that tells an operator what to set: the docs, the deployment files, the scripts. */
    private List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(markdown());
        for (String file : List.of("docker-compose.yml", "Dockerfile", "test", ".ci/run")) {
            documents.add(files.path(file));
        }
        for (String directory : List.of("deploy", "examples")) {
            try (Stream<Path> walk = Files.walk(files.root().resolve(directory))) {
                walk.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".pyc")).sorted().forEach(documents::add);
            }
        }
        return documents;
    }
}
