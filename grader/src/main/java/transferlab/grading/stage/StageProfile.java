package transferlab.grading.stage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import transferlab.grading.Protocol;
import transferlab.grading.program.CheckTarget;

/**
 * What {@code ./transfer check stage1|stage2|stage3} grades: the lines of
 * {@code grader/src/main/resources/grading/stages.csv} (or {@code --profiles FILE}), one part per line.
 *
 * <pre>
 *   # stage, part, flags, requirements, the kit's own command
 *   stage1, upload-server, iterative, U1-U5 U8 U10 U14, upload-server --port {port} --dir {dir} ...
 * </pre>
 * A part is one side of one protocol (the check classes of {@link Protocol}), graded on exactly the
 * requirements listed, core or extension; their points come from the points file. The command is
 * a {@code ./transfer} command line the stage check runs from this checkout's build.
 */
public record StageProfile(String stage, List<Part> parts, String source) {
    /** The classpath resource used when no {@code --profiles} file is given. */
    public static final String DEFAULT_RESOURCE = "/grading/stages.csv";
    private static final Pattern RANGE = Pattern.compile("([A-Z])(\\d+)-(?:\\1)?(\\d+)");
    private static final Pattern ID = Pattern.compile("[A-Z]\\d+");

    public StageProfile {
        parts = List.copyOf(parts);
    }

    /** The side of a protocol a part grades. */
    public enum Side { SERVER, CLIENT }

    /**
     * One part of a stage.
     *
     * @param concurrent   the server must serve a second client while a first one pauses (U16)
     * @param ftOnly       graded only with {@code --ft}
     * @param requirements the IDs graded, in the order given
     * @param command      the kit's own program as {@code ./transfer} arguments, with placeholders
     */
    public record Part(String name, Protocol protocol, Side side, boolean concurrent, boolean ftOnly,
                       Set<String> requirements, String command) {
        public Part {
            requirements = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(requirements));
        }

        public CheckTarget.Kind targetKind() {
            return side == Side.CLIENT ? CheckTarget.Kind.CLIENT_COMMAND : CheckTarget.Kind.SERVER_COMMAND;
        }
    }

    /** The stages the default profiles file names, e.g. [stage1, stage2, stage3]. */
    public static Set<String> stageNames(Path profiles) {
        Set<String> names = new TreeSet<>();
        for (String[] fields : lines(profiles)) {
            names.add(fields[0]);
        }
        return names;
    }

    /** True when {@code name} looks like a stage (stage1, stage2, ...) rather than a protocol. */
    public static boolean isStageName(String name) {
        return name.matches("stage\\d+");
    }

    /** The parts of {@code stage}; an unknown stage is an error naming the known ones. */
    public static StageProfile load(String stage, Path profiles) {
        List<Part> parts = new ArrayList<>();
        for (String[] fields : lines(profiles)) {
            if (fields[0].equals(stage)) {
                parts.add(part(fields));
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("unknown stage '" + stage + "' (the profiles in " + source(profiles)
                    + " name: " + String.join(", ", stageNames(profiles)) + ")");
        }
        return new StageProfile(stage, parts, source(profiles));
    }

    private static Part part(String[] fields) {
        String name = fields[1];
        int dash = name.lastIndexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("part '" + name + "': expected PROTOCOL-server or PROTOCOL-client");
        }
        Protocol protocol = Protocol.parse(name.substring(0, dash));
        Side side = switch (name.substring(dash + 1)) {
            case "server" -> Side.SERVER;
            case "client" -> Side.CLIENT;
            default -> throw new IllegalArgumentException("part '" + name + "': the side is server or client");
        };
        Set<String> flags = Set.of(fields[2].split("\\s+"));
        for (String flag : flags) {
            if (!Set.of("iterative", "concurrent", "ft", "-").contains(flag)) {
                throw new IllegalArgumentException("part '" + name + "': unknown flag '" + flag
                        + "' (iterative, concurrent, ft or -)");
            }
        }
        Set<String> requirements = requirements(fields[3]);
        for (String id : requirements) {
            if (!protocol.owns(id)) {
                throw new IllegalArgumentException("part '" + name + "': " + id + " is not a requirement of protocol "
                        + protocol.commandName());
            }
        }
        return new Part(name, protocol, side, !flags.contains("iterative"), flags.contains("ft"), requirements,
                fields.length > 4 ? fields[4] : "");
    }

    /** "U1-U5 U8" or "U1-5 U8" as [U1, U2, U3, U4, U5, U8]. */
    public static Set<String> requirements(String field) {
        Set<String> ids = new LinkedHashSet<>();
        for (String token : field.strip().split("\\s+")) {
            Matcher range = RANGE.matcher(token);
            if (range.matches()) {
                int from = Integer.parseInt(range.group(2));
                int to = Integer.parseInt(range.group(3));
                if (to < from) {
                    throw new IllegalArgumentException("empty range " + token);
                }
                for (int n = from; n <= to; n++) {
                    ids.add(range.group(1) + n);
                }
            } else if (ID.matcher(token).matches()) {
                ids.add(token);
            } else {
                throw new IllegalArgumentException("'" + token + "' is not a requirement ID or range (U3, U1-U5)");
            }
        }
        return ids;
    }

    /** The profile lines split into at most five fields (the command may hold commas). */
    private static List<String[]> lines(Path profiles) {
        List<String[]> lines = new ArrayList<>();
        for (String line : text(profiles).lines().map(String::strip).toList()) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s*,\\s*", 5);
            if (fields.length < 4) {
                throw new IllegalArgumentException(source(profiles) + ": expected 'stage, part, flags, requirements, "
                        + "command', got: " + line);
            }
            lines.add(fields);
        }
        return lines;
    }

    private static String text(Path profiles) {
        try {
            if (profiles != null) {
                return Files.readString(profiles, StandardCharsets.UTF_8);
            }
            try (InputStream in = StageProfile.class.getResourceAsStream(DEFAULT_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the profiles file " + DEFAULT_RESOURCE
                            + " is not on the class path");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String source(Path profiles) {
        return profiles == null ? "classpath:" + DEFAULT_RESOURCE : profiles.toString();
    }

    /** The parts graded in this run: all, or those without the ft flag unless {@code withFt}. */
    public List<Part> partsGraded(boolean withFt) {
        return parts.stream().filter(part -> withFt || !part.ftOnly()).toList();
    }

    /** Part name to part, for {@code --cmd PART=COMMAND}. */
    public Map<String, Part> byName() {
        Map<String, Part> byName = new LinkedHashMap<>();
        parts.forEach(part -> byName.putIfAbsent(part.name(), part));
        return byName;
    }
}
