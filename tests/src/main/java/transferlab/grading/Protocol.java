package transferlab.grading;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The protocols {@code ./transfer check} grades, with the letter their requirement IDs start with
 * and the check classes (contract subclasses in this package) that grade a server or a client.
 * Classes are named, not referenced, so that a protocol whose contract is not in this checkout yet
 * is reported as such instead of breaking the build.
 */
public enum Protocol {
    UPLOAD("upload", "U", "transferlab.grading.ExternalUploadCheck", "transferlab.grading.UploadClientCheck", null),
    FT("ft", "F", "transferlab.grading.ExternalListGetCheck", "transferlab.grading.FtClientCheck",
            "transferlab.grading.FtPairCheck"),
    UPDATE("update", "D", "transferlab.grading.ExternalUpdateCheck", "transferlab.grading.UpdateClientCheck",
            "transferlab.grading.UpdatePairCheck"),
    RANGED("ranged", "R", "transferlab.grading.ExternalRangedCheck", "transferlab.grading.RangedClientCheck", null);

    /** Pair requirements ({@code --pair}) are this prefix and the protocol's: P-F1, P-D2, ... */
    static final String PAIR_PREFIX = "P-";

    private final String commandName;
    private final String requirementPrefix;
    private final String serverCheckClass;
    private final String clientCheckClass;
    private final String pairCheckClass;

    Protocol(String commandName, String requirementPrefix, String serverCheckClass, String clientCheckClass,
             String pairCheckClass) {
        this.commandName = commandName;
        this.requirementPrefix = requirementPrefix;
        this.serverCheckClass = serverCheckClass;
        this.clientCheckClass = clientCheckClass;
        this.pairCheckClass = pairCheckClass;
    }

    public String commandName() {
        return commandName;
    }

    /** "U" for U1, U2, ... */
    public String requirementPrefix() {
        return requirementPrefix;
    }

    /** Does {@code requirementId} (e.g. "U3", or the pair requirement "P-F2") belong to this protocol? */
    public boolean owns(String requirementId) {
        if (requirementId.startsWith(PAIR_PREFIX)) {
            return owns(requirementId.substring(PAIR_PREFIX.length()));
        }
        return requirementId.startsWith(requirementPrefix)
                && requirementId.length() > requirementPrefix.length()
                && Character.isDigit(requirementId.charAt(requirementPrefix.length()));
    }

    /** The check class for a target kind; empty when this protocol has none for it. */
    public List<String> checkClasses(CheckTarget.Kind kind) {
        String name = switch (kind) {
            case CLIENT_COMMAND -> clientCheckClass;
            case PAIR -> pairCheckClass;
            default -> serverCheckClass;
        };
        return name == null ? List.of() : List.of(name);
    }

    public static Protocol parse(String name) {
        for (Protocol protocol : values()) {
            if (protocol.commandName.equals(name)) {
                return protocol;
            }
        }
        throw new IllegalArgumentException("unknown protocol '" + name + "' (one of: "
                + Arrays.stream(values()).map(Protocol::commandName).collect(Collectors.joining(", ")) + ")");
    }

    /** picocli: {@code check upload ...}; an unknown name is a usage error (exit 2). */
    public static final class Converter implements ITypeConverter<Protocol> {
        @Override
        public Protocol convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
