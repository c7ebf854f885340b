package transferlab.grading;

/** The outcome of a test, and of a requirement: all its tests passed, one failed, or none applied. */
public enum Verdict {
    PASS("PASS"), FAIL("FAIL"), NOT_APPLICABLE("N/A");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
