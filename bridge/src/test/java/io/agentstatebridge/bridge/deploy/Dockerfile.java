package io.agentstatebridge.bridge.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The repository's Dockerfile as a list of build stages and their instructions: enough to check what
 * it builds and how the image runs, not a full parser (no ARG substitution, no heredocs).
 */
public final class Dockerfile {
    public static final String PATH = "Dockerfile";

    public record Instruction(String keyword, String arguments) {
        /** The arguments in exec form (a JSON array), or empty when they are in shell form. */
        public Optional<List<String>> execForm() {
            if (!arguments.startsWith("[")) {
                return Optional.empty();
            }
            try {
                return Optional.of(new ObjectMapper().readValue(arguments, new TypeReference<List<String>>() { }));
            } catch (java.io.IOException e) {
                throw new AssertionError(keyword + " " + arguments + " is not a valid JSON array: " + e.getMessage(), e);
            }
        }
    }

    public record Stage(String name, String image, List<Instruction> instructions) {
        public List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        /** The last instruction with this keyword: the one that takes effect. */
        public Optional<Instruction> last(String keyword) {
            List<Instruction> matching = all(keyword);
            return matching.isEmpty() ? Optional.empty() : Optional.of(matching.get(matching.size() - 1));
        }

        /** ENV instructions in key=value form, later ones winning. */
        public Map<String, String> environment() {
            Map<String, String> variables = new LinkedHashMap<>();
            for (Instruction env : all("ENV")) {
                for (String pair : env.arguments().split("\\s+")) {
                    String[] parts = pair.split("=", 2);
                    if (parts.length != 2) {
                        throw new AssertionError("ENV " + env.arguments() + ": write ENV NAME=value");
                    }
                    variables.put(parts[0], parts[1].replaceAll("^\"|\"$", ""));
                }
            }
            return variables;
        }
    }

    private final List<Stage> stages = new ArrayList<>();

    Dockerfile(String text) {
        List<Instruction> current = null;
        for (String line : logicalLines(text)) {
            String[] parts = line.split("\\s+", 2);
            Instruction instruction = new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1].trim() : "");
            if (instruction.keyword().equals("FROM")) {
                String[] from = instruction.arguments().split("\\s+");
                current = new ArrayList<>();
                String name = from.length == 3 && from[1].equalsIgnoreCase("AS") ? from[2] : null;
                stages.add(new Stage(name, from[0], current));
            } else if (current == null) {
                throw new AssertionError(PATH + ": " + instruction.keyword() + " before the first FROM");
            } else {
                current.add(instruction);
            }
        }
        if (stages.isEmpty()) {
            throw new AssertionError(PATH + " has no FROM");
        }
    }

    /** Lines with continuations joined and comments (and parser directives) dropped. */
    private static List<String> logicalLines(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && pending.length() == 0)) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            lines.add(pending.toString().strip());
            pending.setLength(0);
        }
        return lines;
    }

    List<Stage> stages() {
        return stages;
    }

    /** The stage the image is made of. */
    Stage finalStage() {
        return stages.get(stages.size() - 1);
    }

    public Stage stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst()
                .orElseThrow(() -> new AssertionError(PATH + " has no stage named '" + name + "'"));
    }

    /** The stage {@code stage} starts from when its FROM names an earlier stage rather than an image. */
    Optional<Stage> parent(Stage stage) {
        return stages.subList(0, stages.indexOf(stage)).stream().filter(s -> stage.image().equals(s.name())).findFirst();
    }

    /** The image a stage is built on, through the stages it starts from. */
    String baseImage(Stage stage) {
        return parent(stage).map(this::baseImage).orElse(stage.image());
    }

    /** The working directory a stage's instructions run in, inherited from the stage it starts from. */
    String workdir(Stage stage) {
        return stage.last("WORKDIR").map(Instruction::arguments).orElseGet(() -> parent(stage).map(this::workdir).orElse("/"));
    }
}
