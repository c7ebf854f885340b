package transferlab.grading.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import transferlab.grading.CheckResult;
import transferlab.grading.TestOutcome;
import transferlab.grading.Verdict;

/**
 * JUnit XML (the Ant/Surefire format CI systems read): one {@code testsuite} for the protocol, one
 * {@code testcase} per test with {@code classname} set to the requirement IDs it cites, so that a
 * CI page groups the results by requirement. Failures carry the expected-versus-actual message and
 * the timeline goes to {@code system-out}; a test that did not apply is {@code skipped}, never passed;
 * a test not run because the run stopped is a failure.
 */
public final class JUnitXmlReport {
    private JUnitXmlReport() {
    }

    public static void write(CheckResult result, Path file) throws IOException {
        List<TestOutcome> tests = result.verdicts().stream().flatMap(verdict -> verdict.tests().stream())
                .distinct().toList();
        try (OutputStream out = Files.newOutputStream(file)) {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("testsuite");
            xml.writeAttribute("name", "transferlab.check." + result.protocol().commandName());
            xml.writeAttribute("tests", Integer.toString(tests.size()));
            xml.writeAttribute("failures", Long.toString(count(tests, Verdict.FAIL)));
            xml.writeAttribute("errors", "0");
            xml.writeAttribute("skipped", Long.toString(count(tests, Verdict.NOT_APPLICABLE)));
            xml.writeAttribute("time", seconds(result.duration().toMillis()));
            xml.writeCharacters("\n");
            if (!result.sandbox().isBlank()) {
                xml.writeStartElement("properties");
                xml.writeEmptyElement("property");
                xml.writeAttribute("name", "sandbox");
                xml.writeAttribute("value", xmlSafe(result.sandbox()));
                xml.writeEndElement();
                xml.writeCharacters("\n");
            }
            for (TestOutcome test : tests) {
                xml.writeStartElement("testcase");
                xml.writeAttribute("classname", String.join(",", test.requirements()));
                xml.writeAttribute("name", xmlSafe(test.name()));
                xml.writeAttribute("time", seconds(test.duration().toMillis()));
                if (test.verdict() == Verdict.FAIL) {
                    xml.writeStartElement("failure");
                    xml.writeAttribute("message", xmlSafe(test.message().lines().findFirst().orElse("failed")));
                    xml.writeCharacters(xmlSafe(test.message()));
                    xml.writeEndElement();
                } else if (test.verdict() == Verdict.NOT_APPLICABLE) {
                    xml.writeStartElement("skipped");
                    xml.writeAttribute("message", xmlSafe(test.message()));
                    xml.writeEndElement();
                }
                if (!test.output().isBlank() || !test.timelineText().isBlank()) {
                    xml.writeStartElement("system-out");
                    xml.writeCharacters(xmlSafe(test.timelineText() + test.output()));
                    xml.writeEndElement();
                }
                xml.writeEndElement();
                xml.writeCharacters("\n");
            }
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    private static long count(List<TestOutcome> tests, Verdict verdict) {
        return tests.stream().filter(test -> test.verdict() == verdict).count();
    }

    /** A student's program may print bytes XML 1.0 cannot hold (NUL, other control characters). */
    private static String xmlSafe(String text) {
        return text.replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]", "?");
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }
}
