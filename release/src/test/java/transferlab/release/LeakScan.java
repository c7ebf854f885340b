package transferlab.release;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Looks for the solution in a generated student tree: in every file of its work tree and every
 * object of its git history (sources, resources, Python files, and the entries of any jar or zip).
 *
 * <p>It reports: a file that holds a region's solution (at least two of the region's non-trivial
 * lines, and half of them and 3, or all of them: one common line such as
 * {@code } catch (SocketTimeoutException e) {} is an idiom, a block of them is the answer; a region
 * with a single non-trivial line is left to the generator's own tests); a file, anywhere in the tree or its history,
 * whose
 * path or exact content is that of a left-out file; and any compiled class or jar (a compiled
 * reference is a solution a student can decompile).
 */
final class LeakScan {
    /** Lines shorter than this (trimmed) are idioms ({@code return length;}, {@code try (file) {}), not a solution. */
    static final int MIN_NEEDLE_CHARS = 24;
    /** A normalised line shorter than this ({@code returnv;}, {@code v+=v;}) is an idiom too. */
    static final int MIN_NORMALISED_CHARS = 16;

    private final Map<String, Set<String>> needles = new LinkedHashMap<>(); // trimmed line → regions that have it
    private final Map<String, Integer> needlesOfRegion = new LinkedHashMap<>();
    private final Set<String> leftOutPaths = new TreeSet<>();
    private final Map<String, String> leftOutBlobs = new LinkedHashMap<>(); // git blob id → path
    private final List<String> findings = new ArrayList<>();

    /** Needles from the regions that {@code tree} ships as TODOs; left-out files from {@code tree}. */
    LeakScan(StudentTree tree) throws IOException {
        for (SolutionSource source : tree.sources().values()) {
            for (SolutionSource.Region region : source.regions()) {
                if (!tree.isTodo(region.id())) {
                    continue; // this course gets it done: the reference code ships on purpose
                }
                String name = region.id() + " at " + source.path() + ":" + region.line();
                Set<String> distinct = new TreeSet<>();
                for (String line : region.solution()) {
                    String needle = needle(line);
                    if (needle != null) {
                        distinct.add(needle);
                    }
                }
                distinct.forEach(line -> needles.computeIfAbsent(line, l -> new TreeSet<>()).add(name));
                needlesOfRegion.put(name, distinct.size());
            }
        }
        for (String file : tree.kitFiles()) {
            if (tree.isLeftOut(file) && !file.startsWith(StudentTree.STUDENT_FILES + "/")) {
                leftOutPaths.add(file);
                leftOutBlobs.put(gitBlobId(Files.readAllBytes(tree.kit().resolve(file))), file);
            }
        }
    }

    int needleCount() {
        return needles.size();
    }

    /** The non-trivial lines of every region, region by region. */
    List<List<String>> regionsAsLines() {
        Map<String, List<String>> byRegion = new LinkedHashMap<>();
        needles.forEach((line, regions) ->
                regions.forEach(r -> byRegion.computeIfAbsent(r, x -> new ArrayList<>()).add(line)));
        return new ArrayList<>(byRegion.values());
    }

    int leftOutCount() {
        return leftOutPaths.size();
    }

    /** Scans the work tree of {@code dir} and, if it is a git repository, every object of its history. */
    List<String> scan(Path dir) throws IOException, InterruptedException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String relative = dir.relativize(file).toString().replace('\\', '/');
                if (relative.startsWith(".git/")) {
                    continue;
                }
                checkPath(relative);
                checkContent(relative, Files.readAllBytes(file));
            }
        }
        if (Files.isDirectory(dir.resolve(".git"))) {
            for (String path : new String(Git.run(dir, "log", "--all", "--name-only", "--format="),
                    StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList()) {
                checkPath("history: " + path);
            }
            scanObjects(Git.run(dir, "cat-file", "--batch-all-objects", "--batch"));
        }
        return findings;
    }

    /** {@code git cat-file --batch} output: "<id> <type> <size>\n<content>\n", object after object. */
    private void scanObjects(byte[] batch) {
        int at = 0;
        while (at < batch.length) {
            int newline = indexOf(batch, (byte) '\n', at);
            String[] header = new String(batch, at, newline - at, StandardCharsets.US_ASCII).split(" ");
            int size = Integer.parseInt(header[2]);
            byte[] content = java.util.Arrays.copyOfRange(batch, newline + 1, newline + 1 + size);
            at = newline + 1 + size + 1;
            if (header[1].equals("blob")) {
                if (leftOutBlobs.containsKey(header[0])) {
                    findings.add("history: object " + header[0] + " is the left-out " + leftOutBlobs.get(header[0]));
                }
                checkContent("history: blob " + header[0], content);
            }
        }
    }

    private void checkPath(String path) {
        String bare = path.startsWith("history: ") ? path.substring("history: ".length()) : path;
        if (leftOutPaths.contains(bare)) {
            findings.add(path + ": a left-out file");
        }
        if (bare.endsWith(".class") || bare.endsWith(".jar")) {
            findings.add(path + ": compiled code in the student tree");
        }
    }

    private void checkContent(String where, byte[] bytes) {
        if (bytes.length > 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4) {
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
                for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                    if (entry.getName().endsWith(".class")) {
                        findings.add(where + "!" + entry.getName() + ": compiled code");
                    }
                    checkContent(where + "!" + entry.getName(), zip.readAllBytes());
                }
            } catch (IOException e) {
                findings.add(where + ": an unreadable archive (" + e.getMessage() + ")");
            }
            return;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        Map<String, Set<String>> found = new LinkedHashMap<>(); // region → its lines found here
        text.lines().map(LeakScan::needle).filter(java.util.Objects::nonNull).forEach(line -> {
            for (String region : needles.getOrDefault(line, Set.of())) {
                found.computeIfAbsent(region, r -> new TreeSet<>()).add(line);
            }
        });
        found.forEach((region, lines) -> {
            int all = needlesOfRegion.get(region);
            if (lines.size() >= 2 && (lines.size() == all || (lines.size() >= 3 && 2 * lines.size() >= all))) {
                findings.add(where + ": " + lines.size() + " of the " + all + " solution lines of " + region
                        + ", e.g. '" + lines.iterator().next() + "'");
            }
        });
    }

    /** Words that stay as they are in a normalised line: Java's keywords and literals. */
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "continue", "default", "do", "double", "else", "enum", "extends", "final",
            "finally", "float", "for", "if", "implements", "import", "instanceof", "int", "interface", "long", "new",
            "private", "protected", "public", "return", "short", "static", "super", "switch", "synchronized",
            "this", "throw", "throws", "try", "var", "void", "volatile", "while", "null", "true", "false");
    private static final java.util.regex.Pattern STRING = java.util.regex.Pattern.compile(
            "\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final java.util.regex.Pattern CHARS = java.util.regex.Pattern.compile(
            "'(?:[^'\\\\]|\\\\.)*'");
    /** A name of the code's own: not after a dot (a member), not before "(" (a call), not a Type. */
    private static final java.util.regex.Pattern LOCAL_NAME = java.util.regex.Pattern.compile(
            "(?<![.\\w])[a-z_][A-Za-z0-9_]*\\b(?!\\s*\\()");

    /**
     * The line as the scan compares it, or null for a line too short to be more than an idiom, or
     * a comment. Normalised, so that a copy is found when it was re-indented, re-spaced or had its
     * variables renamed: string literals become {@code "s"}, the code's own names (locals,
     * parameters) become {@code v}, whitespace goes; calls, members, types and keywords stay, so
     * {@code int n = in.read(buffer, 0, left);} and {@code int got=in.read(buf,0,rest);} are one
     * needle {@code intv=v.read(v,0,v);}.
     * (Python's keywords become {@code v} too, on both sides: the comparison stays fair.)
     */
    static String needle(String line) {
        String trimmed = line.strip();
        if (trimmed.length() < MIN_NEEDLE_CHARS || trimmed.startsWith("//") || trimmed.startsWith("#")
                || trimmed.startsWith("*") || trimmed.startsWith("/*")) {
            return null;
        }
        String code = STRING.matcher(trimmed).replaceAll("\"s\"").replaceAll("(//|\\s#).*$", "");
        code = CHARS.matcher(code).replaceAll("\"s\"");
        java.util.regex.Matcher name = LOCAL_NAME.matcher(code);
        StringBuilder out = new StringBuilder();
        while (name.find()) {
            name.appendReplacement(out, KEYWORDS.contains(name.group()) ? name.group() : "v");
        }
        name.appendTail(out);
        String normalised = out.toString().replaceAll("\\s+", "");
        return normalised.length() >= MIN_NORMALISED_CHARS ? normalised : null;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new IllegalStateException("no object header at " + from);
    }

    /** The id git gives a file with these bytes: SHA-1 of "blob SIZE\0" and the bytes. */
    static String gitBlobId(byte[] content) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha1.digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-1", e);
        }
    }
}
