package transferlab.grading;

import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import transferlab.testkit.Requirement;

/**
 * The requirement IDs a contract test cites: its method's {@link Requirement}, plus any on its
 * class, the classes that class extends, and the classes it is nested in.
 */
public final class RequirementIds {
    private RequirementIds() {
    }

    /** Empty when the source is not a test method, or when nothing is cited. */
    static Set<String> of(Optional<TestSource> source) {
        Set<String> ids = new LinkedHashSet<>();
        if (source.isEmpty() || !(source.get() instanceof MethodSource method)) {
            return ids;
        }
        Method javaMethod;
        try {
            javaMethod = method.getJavaMethod();
        } catch (RuntimeException e) {
            return ids; // a method JUnit could not load cannot run either; it fails on its own
        }
        add(ids, javaMethod.getAnnotation(Requirement.class));
        for (Class<?> type = method.getJavaClass(); type != null; type = type.getEnclosingClass()) {
            for (Class<?> level = type; level != null && level != Object.class; level = level.getSuperclass()) {
                add(ids, level.getAnnotation(Requirement.class));
            }
        }
        return ids;
    }

    private static void add(Set<String> ids, Requirement requirement) {
        if (requirement != null) {
            for (String id : requirement.value()) {
                ids.add(id.strip());
            }
        }
    }
}
