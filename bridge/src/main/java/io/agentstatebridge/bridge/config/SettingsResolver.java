package io.agentstatebridge.bridge.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what an operator gave (options, environment variables, password files) into the values a
 * command runs with, once, at start-up. The command line wins over the environment, the
 * environment over the default. Every problem is collected, the environment's included, and
 * reported together in one {@link SettingsException}: a bad value is never replaced by a default.
 * An environment variable set to the empty string counts as not set.
 */
public final class SettingsResolver {
    /** A rule across settings (role options only with --create-roles); values that failed are null. */
    @FunctionalInterface
    public interface Check {
        void check(SettingValues values, List<String> problems);
    }

    private SettingsResolver() {
    }

    public static SettingValues resolve(Collection<Setting<?>> settings, Map<String, String> commandLine,
                                        Map<String, String> environment) {
        return resolve(settings, commandLine, environment, (values, problems) -> { });
    }

    /**
     * @param commandLine the options given, by option name ("--name"), as typed; "true" for a flag given
     * @param environment the process's environment
     */
    public static SettingValues resolve(Collection<Setting<?>> settings, Map<String, String> commandLine,
                                        Map<String, String> environment, Check check) {
        List<String> problems = new ArrayList<>(EnvironmentVariables.problems(environment));
        Set<Setting<?>> wanted = new LinkedHashSet<>(settings);
        wanted.addAll(Settings.EVERY_COMMAND);
        Map<Setting<?>, Object> values = new HashMap<>();
        Map<Setting<?>, SettingValues.Origin> origins = new HashMap<>();
        Map<Setting<?>, String> where = new HashMap<>();
        for (Setting<?> setting : wanted) {
            origins.put(setting, SettingValues.Origin.NONE);
            values.put(setting, null);
            try {
                Input input = input(setting, commandLine, environment);
                origins.put(setting, input == null ? defaultOrigin(setting) : input.origin());
                where.put(setting, input == null ? setting.name() : input.where());
                Object value = input == null ? setting.defaultTyped() : input.read(setting);
                if (value == null && setting.required()) {
                    problems.add(setting.name() + " is required: " + setting.type().expected());
                }
                values.put(setting, value);
            } catch (SettingsException e) {
                problems.add(e.getMessage());
            }
        }
        List<String> warnings = new ArrayList<>();
        for (Setting<DatabaseUrl> url : List.of(Settings.SOURCE_URL, Settings.TARGET_URL)) {
            if (wanted.contains(url)) {
                attachPassword(url, values, where, problems, warnings);
            }
        }
        SettingValues resolved = new SettingValues(values, origins, warnings);
        check.check(resolved, problems);
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return resolved;
    }

    /** Where an operator gave the setting: at most one place, or a problem. */
    private record Input(String where, String text, boolean isFile, SettingValues.Origin origin) {
        Object read(Setting<?> setting) {
            return setting.type().parse(isFile ? firstLine(Path.of(text), where) : text, where);
        }
    }

    private static Input input(Setting<?> setting, Map<String, String> commandLine, Map<String, String> environment) {
        List<Input> given = new ArrayList<>();
        if (setting.option() != null && commandLine.get(setting.option()) != null) {
            given.add(new Input(setting.option(), commandLine.get(setting.option()), setting.isPassword(),
                    SettingValues.Origin.COMMAND_LINE));
        }
        if (setting.isPassword()) {
            // A password has two inputs besides its option; two of the three would leave the choice to us.
            addIfSet(given, environment, setting.variable(), false);
            addIfSet(given, environment, setting.fileVariable(), true);
            if (given.size() > 1) {
                throw new SettingsException("the " + setting.option().replaceFirst("^--", "").replace("-file", "").replace('-', ' ')
                        + " is given " + (given.size() == 2 ? "twice" : "three times") + ": by " + String.join(" and by ", given.stream().map(Input::where).toList())
                        + "; keep one");
            }
        } else if (given.isEmpty()) {
            addIfSet(given, environment, setting.variable(), false);
        }
        return given.isEmpty() ? null : given.get(0);
    }

    private static void addIfSet(List<Input> given, Map<String, String> environment, String variable, boolean isFile) {
        if (variable != null && environment.get(variable) != null && !environment.get(variable).isEmpty()) {
            given.add(new Input(variable, environment.get(variable), isFile, SettingValues.Origin.ENVIRONMENT));
        }
    }

    private static SettingValues.Origin defaultOrigin(Setting<?> setting) {
        return setting.defaultValue() == null ? SettingValues.Origin.NONE : SettingValues.Origin.DEFAULT;
    }

    /** The first line of a password file, the way PostgreSQL's own tools take one: the line break is not part of it. */
    static String firstLine(Path file, String where) {
        try {
            String line = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            if (line.isEmpty()) {
                throw new SettingsException(where + " names " + file + ", whose first line is empty; it must be the password");
            }
            return line;
        } catch (NoSuchFileException e) {
            throw new SettingsException(where + " names " + file + ", which does not exist");
        } catch (AccessDeniedException e) {
            throw new SettingsException(where + " names " + file + ", which this process (user "
                    + System.getProperty("user.name") + ") may not read");
        } catch (IOException e) {
            throw new SettingsException("cannot read " + file + " (named by " + where + "): " + e.getMessage());
        }
    }

    /** Hands a password given apart from the URL to the URL; a password in both is given twice. */
    private static void attachPassword(Setting<DatabaseUrl> urlSetting, Map<Setting<?>, Object> values,
                                       Map<Setting<?>, String> where, List<String> problems, List<String> warnings) {
        DatabaseUrl url = (DatabaseUrl) values.get(urlSetting);
        Setting<Secret> passwordSetting = Settings.passwordOf(urlSetting);
        Secret password = (Secret) values.get(passwordSetting);
        if (url == null) {
            return;
        }
        if (url.hasPasswordParameter() && password != null) {
            problems.add("the password for " + urlSetting.option() + " is given twice: as password= in " + where.get(urlSetting)
                    + " and by " + where.get(passwordSetting) + "; keep one");
        } else if (password != null) {
            values.put(urlSetting, url.withPassword(password));
        } else if (url.hasPasswordParameter() && urlSetting.option().equals(where.get(urlSetting))) {
            warnings.add(urlSetting.option() + " carries a password, which every user of this machine can read in the process "
                    + "list (ps); give it by " + passwordSetting.name() + " or in the PostgreSQL password file instead");
        }
    }
}
