package transferlab.grading;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import transferlab.grading.checks.ExternalFtCheck;
import transferlab.grading.checks.ExternalRangedCheck;
import transferlab.grading.checks.ExternalUpdateCheck;
import transferlab.grading.checks.ExternalUploadCheck;
import transferlab.grading.checks.FtClientCheck;
import transferlab.grading.checks.FtPairCheck;
import transferlab.grading.checks.RangedClientCheck;
import transferlab.grading.checks.RangedPairCheck;
import transferlab.grading.checks.UpdateClientCheck;
import transferlab.grading.checks.UpdatePairCheck;
import transferlab.grading.checks.UploadClientCheck;
import transferlab.grading.program.CheckTarget;

/**
 * The protocols {@code ./transfer check} grades, with the letter their requirement IDs start with
 * and the check classes (contract subclasses in {@code transferlab.grading.checks}) that grade a
 * server, a client, or a server and client pair ({@code --pair}); null where there is none yet.
 */
public enum Protocol {
    UPLOAD("upload", "U", ExternalUploadCheck.class, UploadClientCheck.class, null),
    FT("ft", "F", ExternalFtCheck.class, FtClientCheck.class, FtPairCheck.class),
    UPDATE("update", "D", ExternalUpdateCheck.class, UpdateClientCheck.class, UpdatePairCheck.class),
    RANGED("ranged", "R", ExternalRangedCheck.class, RangedClientCheck.class, RangedPairCheck.class);

    /** Pair requirements ({@code --pair}) are this prefix and the protocol's: P-F1, P-D2, ... */
    static final String PAIR_PREFIX = "P-";

    private final String commandName;
    private final String requirementPrefix;
    private final Class<?> serverCheckClass;
    private final Class<?> clientCheckClass;
    private final Class<?> pairCheckClass;

    Protocol(String commandName, String requirementPrefix, Class<?> serverCheckClass, Class<?> clientCheckClass,
             Class<?> pairCheckClass) {
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
    public List<Class<?>> checkClasses(CheckTarget.Kind kind) {
        Class<?> check = switch (kind) {
            case CLIENT_COMMAND -> clientCheckClass;
            case PAIR -> pairCheckClass;
            default -> serverCheckClass;
        };
        return check == null ? List.of() : List.of(check);
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
