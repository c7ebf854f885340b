package transferlab.server;

import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;

/**
 * Virtual threads (Java 21 and later), found at run time so that the course still compiles and runs
 * on Java 17: {@code Thread.ofVirtual().name(prefix, 1).factory()}, called through reflection.
 *
 * <p>A virtual thread blocks in {@code read()} like any thread, but costs a few hundred bytes
 * instead of a megabyte of stack, so a thread per client scales to many thousands of clients.
 */
public final class VirtualThreads {
    /** The first Java release in which virtual threads are final. */
    public static final int FIRST_JAVA_RELEASE = 21;

    private VirtualThreads() {
    }

    /** True when the running JVM can start virtual threads. */
    public static boolean available() {
        return factory("probe-").isPresent();
    }

    /** A factory of virtual threads named {@code prefix1}, {@code prefix2}, …, or empty before Java 21. */
    public static Optional<ThreadFactory> factory(String prefix) {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            Object named = builderType.getMethod("name", String.class, long.class).invoke(builder, prefix, 1L);
            Method factory = builderType.getMethod("factory");
            return Optional.of((ThreadFactory) factory.invoke(named));
        } catch (ReflectiveOperationException | UnsupportedOperationException e) {
            // NoSuchMethodException on Java 17; on 19/20 virtual threads were a preview feature.
            return Optional.empty();
        }
    }
}
