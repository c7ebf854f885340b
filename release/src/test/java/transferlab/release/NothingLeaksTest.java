package transferlab.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, item 4: the student tree, as {@code ./transfer release student OUT} writes it, holds no
 * line of a solution region, no left-out file (the Python programs that answer exercises, the
 * suite's own tests, this module), and no compiled code, neither in its files nor in its git history.
 */
class NothingLeaksTest {
    @TempDir
    Path out;

    @Test
    void theStudentTreeAndItsHistoryHoldNoSolutionLineNoLeftOutFileAndNoCompiledCode() throws Exception {
        StudentTree tree = new StudentTree(StudentTree.kitRoot());
        Map<String, byte[]> written = tree.write(out);
        LeakScan scan = new LeakScan(tree);
        assertThat(scan.needleCount()).as("solution lines to look for").isGreaterThan(20);
        assertThat(scan.leftOutCount()).as("left-out files to look for").isGreaterThan(10);
        assertThat(written).containsKeys("README.md", ".ci/run", "pom.xml", "transfer",
                "resources/handouts/stage1-upload.md");
        assertThat(written.keySet()).noneMatch(path -> path.startsWith("release/") || path.startsWith("tests/python/"));
        assertThat(out.resolve("transfer")).isExecutable();
        assertThat(Files.readString(out.resolve("pom.xml"))).doesNotContain("<module>release</module>");

        assertThat(scan.scan(out)).isEmpty();
    }

    @Test
    void theScanFindsAPlantedSolutionLineALeftOutFileAndAJarEvenWhenOnlyTheHistoryHasThem() throws Exception {
        StudentTree tree = new StudentTree(StudentTree.kitRoot());
        tree.write(out);
        LeakScan scan = new LeakScan(tree);
        List<String> region = scan.regionsAsLines().get(0);
        Files.writeString(out.resolve("notes.txt"), String.join("\n", region) + "\n");
        Path good = tree.kit().resolve("tests/python/mutants/good_upload_server.py");
        Files.copy(good, out.resolve("server.py"));
        try (var jar = new java.util.zip.ZipOutputStream(Files.newOutputStream(out.resolve("reference.jar")))) {
            jar.putNextEntry(new java.util.zip.ZipEntry("transferlab/upload/UploadHandler.class"));
            jar.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
        }
        Git.run(out, "add", "-A");
        Git.run(out, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "leak");
        Git.run(out, "rm", "-q", "notes.txt", "server.py", "reference.jar");
        Git.run(out, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "hide it");

        List<String> findings = scan.scan(out);
        assertThat(findings).anyMatch(f -> f.startsWith("history: blob") && f.contains("solution lines of"));
        assertThat(findings).anyMatch(f -> f.contains("is the left-out tests/python/mutants/good_upload_server.py"));
        assertThat(findings).anyMatch(f -> f.contains("reference.jar") && f.contains("compiled code"));
    }

    /**
     * Issue 19, part 5: a copy of stage1.3's loop (UploadHandler.receiveContent) with its variables
     * renamed and its lines re-spaced and re-indented is found as well as a verbatim one.
     */
    @Test
    void aCopyWithRenamedVariablesAndOtherSpacingIsFound() throws Exception {
        StudentTree tree = new StudentTree(StudentTree.kitRoot());
        tree.write(out);
        LeakScan scan = new LeakScan(tree);
        Files.writeString(out.resolve("Mine.java"), String.join("\n",
                "class Mine {",
                "  String take(java.net.Socket s, java.io.InputStream input, IncomingFile f, UploadHeader h,",
                "              Deadline d, java.net.SocketAddress who) throws java.io.IOException {",
                "    long want = h.size();",
                "    MessageDigest digest = Hashes.sha256();",
                "    byte[] chunk = new byte[(int) Math.min(BUFFER_BYTES, Math.max(want, 1))];",
                "    d.progress(System.nanoTime());",
                "    long got = 0;",
                "    while (got < want) {",
                "      int k;",
                "      try {",
                "        k = d.read(s, input, chunk, 0, (int) Math.min(chunk.length, want - got));",
                "      } catch (DeadlinePassedException e) {",
                "        throw UploadRefusal.contentTimeout(d, e.passed(), got, want);",
                "      }",
                "      if (k < 0) throw new java.io.IOException(\"closed early\");",
                "      digest.update(chunk, 0, k);",
                "      storage.write(f, ByteBuffer.wrap(chunk, 0, k), h.name(), who);",
                "      got += k;",
                "    }",
                "    return Hashes.hex(digest.digest());",
                "  }",
                "}", ""));

        assertThat(scan.scan(out)).anyMatch(f -> f.startsWith("Mine.java: ") && f.contains("stage1.3 at "
                + "single-client/src/main/java/transferlab/upload/UploadHandler.java"));
    }

    @Test
    void aNormalisedLineKeepsCallsMembersAndTypesButNotTheNamesOfLocals() {
        assertThat(LeakScan.needle("int n = in.read(buffer, 0, left);"))
                .isEqualTo(LeakScan.needle("    int got=in.read( buf,0,rest );  // a comment"))
                .isEqualTo("intv=v.read(v,0,v);");
        assertThat(LeakScan.needle("int n = in.read(buffer, 0, left);"))
                .isNotEqualTo(LeakScan.needle("int n = in.skip(buffer, 0, left);"));
        assertThat(LeakScan.needle("return size / threads + 1;")).as("an idiom").isNull();
        assertThat(LeakScan.needle("// a comment that is long enough to be one")).isNull();
    }
}
