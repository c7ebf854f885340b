package transferlab.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The numbered requirement(s) of a protocol spec (resources/protocols/*.md) that a contract test
 * checks, e.g. {@code @Requirement("U3")}. Reports and the autograder group verdicts by these IDs.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Requirement {
    String[] value();
}
