package io.agentstatebridge.bridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's deployment files, read as trees. YAML goes through SnakeYAML's loader, which resolves
 * anchors, aliases and merge keys as Docker Compose does, and rejects duplicate keys as Compose does.
 */
final class RepositoryFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    private RepositoryFiles(Path root) {
        this.root = root;
    }

    /** The repository the tests run in: the nearest directory up from the module holding docker-compose.yml. */
    static RepositoryFiles locate() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isRegularFile(dir.resolve("Dockerfile"))) {
                return new RepositoryFiles(dir);
            }
        }
        throw new AssertionError("no directory above " + System.getProperty("user.dir")
                + " holds docker-compose.yml and Dockerfile; the deployment files belong at the repository root");
    }

    Path root() {
        return root;
    }

    Path path(String relative) {
        Path path = root.resolve(relative).normalize();
        if (!Files.isRegularFile(path)) {
            throw new AssertionError(relative + " is missing (looked for " + path + ")");
        }
        return path;
    }

    String text(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode yaml(String relative) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try {
            return JSON.valueToTree(new Yaml(new SafeConstructor(options)).load(text(relative)));
        } catch (RuntimeException e) {
            throw new AssertionError(relative + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    JsonNode json(String relative) {
        try {
            return JSON.readTree(text(relative));
        } catch (IOException e) {
            throw new AssertionError(relative + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
