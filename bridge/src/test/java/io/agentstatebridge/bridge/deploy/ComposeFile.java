package io.agentstatebridge.bridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docker-compose.yml as Compose reads it, for the parts the deployment tests check. Values are
 * interpolated with their in-file defaults, never with the test's environment, so the checks see
 * what a plain `docker compose up` runs.
 */
public final class ComposeFile {
    public static final String PATH = "docker-compose.yml";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");

    private final JsonNode services;

    ComposeFile(RepositoryFiles files) {
        JsonNode compose = files.yaml(PATH);
        services = compose.path("services");
        if (!services.isObject() || services.isEmpty()) {
            throw new AssertionError(PATH + " has no services");
        }
    }

    public Set<String> serviceNames() {
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        return names;
    }

    public JsonNode service(String name) {
        JsonNode service = services.get(name);
        if (service == null) {
            throw new AssertionError(PATH + " has no service '" + name + "'; its services are " + serviceNames());
        }
        return service;
    }

    /** The service's environment, in map or list form, interpolated. */
    public Map<String, String> environment(String service) {
        JsonNode environment = service(service).path("environment");
        Map<String, String> variables = new LinkedHashMap<>();
        if (environment.isObject()) {
            environment.properties().forEach(e -> variables.put(e.getKey(), interpolate(e.getValue().asText())));
        } else if (environment.isArray()) {
            environment.forEach(entry -> {
                String[] pair = entry.asText().split("=", 2);
                variables.put(pair[0], pair.length == 2 ? interpolate(pair[1]) : "");
            });
        }
        return variables;
    }

    /** The service's command as a list of arguments (Compose splits a string command like a shell would, roughly). */
    public List<String> command(String service) {
        JsonNode command = service(service).path("command");
        List<String> arguments = new ArrayList<>();
        if (command.isArray()) {
            command.forEach(argument -> arguments.add(interpolate(argument.asText())));
        } else if (command.isTextual()) {
            arguments.addAll(Arrays.asList(interpolate(command.asText()).trim().split("\\s+")));
        }
        return arguments;
    }

    /** Whether the service's image is built from the repository's Dockerfile, whichever stage. */
    public boolean buildsRepositoryImage(String service) {
        JsonNode build = service(service).path("build");
        if (build.isTextual()) {
            return isRoot(build.asText());
        }
        return build.isObject() && isRoot(build.path("context").asText(".")) && build.path("dockerfile").asText("Dockerfile").equals("Dockerfile");
    }

    /** The Dockerfile stage the service builds (build.target), or empty for the last one. */
    Optional<String> buildTarget(String service) {
        JsonNode target = service(service).path("build").path("target");
        return target.isTextual() ? Optional.of(target.asText()) : Optional.empty();
    }

    private static boolean isRoot(String context) {
        return context.equals(".") || context.equals("./");
    }

    /** A bind mount or volume, short syntax: source:target[:mode]. */
    record Mount(String source, String target) {
        boolean isBind() {
            return source.startsWith(".") || source.startsWith("/");
        }

        /** The bind source relative to the repository root. */
        String repositoryPath() {
            return source.startsWith("./") ? source.substring(2) : source;
        }
    }

    List<Mount> mounts(String service) {
        List<Mount> mounts = new ArrayList<>();
        service(service).path("volumes").forEach(volume -> {
            if (volume.isObject()) {
                mounts.add(new Mount(volume.path("source").asText(), volume.path("target").asText()));
            } else {
                String[] parts = interpolate(volume.asText()).split(":");
                mounts.add(new Mount(parts[0], parts.length > 1 ? parts[1] : parts[0]));
            }
        });
        return mounts;
    }

    /** The mount whose target is {@code containerPath} or a directory above it. */
    Mount mountHolding(String service, String containerPath) {
        return mounts(service).stream()
                .filter(m -> containerPath.equals(m.target()) || containerPath.startsWith(m.target() + "/"))
                .max((a, b) -> Integer.compare(a.target().length(), b.target().length()))
                .orElseThrow(() -> new AssertionError("service '" + service + "' mounts nothing at " + containerPath
                        + "; its mounts are " + mounts(service)));
    }

    /** The container side of each published port ("127.0.0.1:9187:9187" → 9187). */
    List<Integer> containerPorts(String service) {
        List<Integer> ports = new ArrayList<>();
        service(service).path("ports").forEach(port -> {
            if (port.isObject()) {
                ports.add(port.path("target").asInt());
            } else {
                String[] parts = interpolate(port.asText()).split("/")[0].split(":");
                ports.add(Integer.parseInt(parts[parts.length - 1]));
            }
        });
        return ports;
    }

    /** {@code ${NAME:-default}} and {@code ${NAME-default}} become the default; {@code $$} becomes {@code $}. */
    static String interpolate(String value) {
        Matcher matcher = VARIABLE.matcher(value);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            if (matcher.group().equals("$$")) {
                replacement = "$";
            } else if (matcher.group(2) != null) {
                replacement = matcher.group(2);
            } else {
                throw new AssertionError("${" + matcher.group(1) + "} in " + PATH + " has no default, so `docker compose up` "
                        + "depends on the caller's environment: write ${" + matcher.group(1) + ":-...}");
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(result);
        return result.toString();
    }
}
