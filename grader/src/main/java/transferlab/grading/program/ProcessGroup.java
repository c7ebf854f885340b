package transferlab.grading.program;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A student's program started in a process group of its own, so that stopping it stops everything
 * it started, children it forks later included. On Linux the command runs under {@code setsid}
 * (util-linux): the shell becomes the leader of a new session and process group, whose id is its
 * pid, and {@code kill -KILL -pid} ends the whole group at once. Where {@code setsid} is missing
 * (stock macOS) the children alive at that moment are killed one by one, as before.
 *
 * <p>It also tells which TCP ports the group listens on, from the kernel's tables: the sockets each
 * process holds ({@code /proc/PID/fd} links "socket:[inode]") matched against the listening sockets
 * of {@code /proc/net/tcp} and {@code tcp6} (state 0A). That is how the grader can say "the server
 * listens on port 5000, not on the port it was given" without connecting to it.
 */
public final class ProcessGroup {
    private static final String LISTEN = "0A";
    /** util-linux's setsid, by its path: the grader's PATH may be anything. */
    private static final String SETSID_PROGRAM = Stream.of("/usr/bin/setsid", "/bin/setsid")
            .filter(path -> Files.isExecutable(Path.of(path))).findFirst().orElse(null);
    private static final boolean SETSID = SETSID_PROGRAM != null;

    private ProcessGroup() {
    }

    /** The argument list that runs {@code shellCommand} with {@code sh -c}, in a new process group where possible. */
    static List<String> command(String shellCommand) {
        return inNewGroup(List.of("/bin/sh", "-c", shellCommand));
    }

    /** {@code argv} started in a new process group where possible (under setsid). */
    static List<String> inNewGroup(List<String> argv) {
        List<String> command = new ArrayList<>(argv);
        if (SETSID) {
            command.add(0, SETSID_PROGRAM);
        }
        return command;
    }

    /**
     * Starts {@code builder}'s program from one thread that lives as long as the JVM. The box's
     * {@code --die-with-parent} is the kernel's parent-death signal, which fires when the thread
     * that started the process ends, not the JVM: a program started from a test's own thread (JUnit
     * runs each method with a timeout in a thread of its own) would be killed when that method returns.
     */
    static Process start(ProcessBuilder builder) throws IOException {
        try {
            return LAUNCHER.submit(builder::start).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + builder.command().get(0), e);
        }
    }

    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "graded-program-launcher");
        thread.setDaemon(true);
        return thread;
    });

    /** Kills the process and its whole group (or, without setsid, the descendants alive now). */
    static void kill(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        if (SETSID) {
            try {
                // The group outlives its leader when a child is still running: kill by the group id.
                // (dash's kill takes no "--": "-KILL -PGID" is the portable spelling.)
                new ProcessBuilder("/bin/sh", "-c", "kill -KILL -" + process.pid() + " 2>/dev/null")
                        .start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                // fall back to the snapshot below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /** Whether any process listens on {@code port} (Linux: from the kernel's table; elsewhere: a probe connection). */
    public static boolean isListening(int port) {
        if (!Files.isReadable(Path.of("/proc/net/tcp"))) {
            return probe(port);
        }
        return listeningSockets().stream().anyMatch(socket -> socket.port() == port);
    }

    /** Who holds the listening socket of a port: nobody yet, the started program, or another program. */
    enum Listener { NOBODY, THE_PROGRAM, ANOTHER_PROGRAM }

    /**
     * Who listens on {@code port}: a listening row of the port whose socket inode is held by the
     * process or a descendant (its box's processes) is the program's; one held by nobody of it is
     * another program's, a squatter's. Where /proc is missing, any listener counts as the program's.
     */
    static Listener listenerOf(Process process, int port) {
        if (!Files.isReadable(Path.of("/proc/net/tcp"))) {
            return probe(port) ? Listener.THE_PROGRAM : Listener.NOBODY;
        }
        List<String> listening = listeningSockets().stream().filter(socket -> socket.port() == port)
                .map(TcpSocket::inode).toList();
        if (listening.isEmpty()) {
            return Listener.NOBODY; // the cheap answer, read every 10 ms while a server starts
        }
        Set<String> ours = socketInodes(process);
        if (listening.stream().anyMatch(ours::contains)) {
            return Listener.THE_PROGRAM;
        }
        // Unboxed, a daemon the program forked is no descendant once its parent exits: its group tells.
        boolean inGroup = SETSID && holder(port).map(pid -> processGroupOf(pid) == process.pid()).orElse(false);
        return inGroup ? Listener.THE_PROGRAM : Listener.ANOTHER_PROGRAM;
    }

    /** "pid 123 (python3)": the process holding the listening socket of {@code port}, as far as /proc shows. */
    static String holderOf(int port) {
        return holder(port).map(pid -> "pid " + pid + " (" + procFile(pid, "comm").strip() + ")")
                .orElse("a process the grader cannot see");
    }

    /** The pid of a process holding a listening socket of {@code port}: a scan of every /proc/PID/fd. */
    private static Optional<Long> holder(int port) {
        Set<String> inodes = new TreeSet<>(listeningSockets().stream().filter(socket -> socket.port() == port)
                .map(TcpSocket::inode).toList());
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(dir -> dir.getFileName().toString().matches("\\d+")).toList()) {
                try (Stream<Path> fds = Files.list(process.resolve("fd"))) {
                    for (Path fd : fds.toList()) {
                        String link = readLink(fd);
                        if (link.startsWith("socket:[") && inodes.contains(link.substring(8, link.length() - 1))) {
                            return Optional.of(Long.parseLong(process.getFileName().toString()));
                        }
                    }
                } catch (IOException e) {
                    // not ours to read, or gone: look at the next one
                }
            }
        } catch (IOException e) {
            // no /proc
        }
        return Optional.empty();
    }

    /** The process group of a pid, from /proc/PID/stat ("pid (comm) state ppid pgrp ..."), or -1. */
    private static long processGroupOf(long pid) {
        String stat = procFile(pid, "stat");
        String[] after = stat.substring(stat.lastIndexOf(')') + 1).trim().split("\\s+");
        try {
            return after.length > 2 ? Long.parseLong(after[2]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String procFile(long pid, String name) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), name));
        } catch (IOException e) {
            return "?)";
        }
    }

    private static String readLink(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** The ports the process and its descendants listen on; empty where /proc is not available. */
    static Set<Integer> listeningPorts(Process process) {
        Set<String> inodes = socketInodes(process);
        Set<Integer> ports = new TreeSet<>();
        for (TcpSocket socket : listeningSockets()) {
            if (inodes.contains(socket.inode())) {
                ports.add(socket.port());
            }
        }
        return ports;
    }

    /**
     * Whether the process or a descendant holds a TCP connection (any socket not listening): a server
     * that has accepted one and still serves it. False where /proc is not available.
     */
    static boolean holdsConnections(Process process) {
        Set<String> inodes = socketInodes(process);
        return tcpSockets(false).stream().anyMatch(socket -> !socket.listening() && inodes.contains(socket.inode()));
    }

    /**
     * The CPU time the process and its live descendants have used so far (what the system tells;
     * zero where it tells nothing), to tell a program busy starting from one that waits.
     */
    static Duration cpuUsed(Process process) {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .map(member -> member.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus);
    }

    /** The inodes of the sockets the process and its descendants hold ({@code /proc/PID/fd}). */
    private static Set<String> socketInodes(Process process) {
        Set<String> inodes = new TreeSet<>();
        List<ProcessHandle> members = new ArrayList<>(process.descendants().toList());
        members.add(process.toHandle());
        for (ProcessHandle member : members) {
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(member.pid()), "fd"))) {
                fds.forEach(fd -> {
                    try {
                        String link = Files.readSymbolicLink(fd).toString();
                        if (link.startsWith("socket:[")) {
                            inodes.add(link.substring("socket:[".length(), link.length() - 1));
                        }
                    } catch (IOException e) {
                        // the descriptor closed meanwhile
                    }
                });
            } catch (IOException e) {
                // the process exited meanwhile, or there is no /proc
            }
        }
        return inodes;
    }

    /**
     * How many connections wait in the accept queue of whatever listens on {@code port} (for a
     * listening socket the kernel shows that queue as rx_queue); 0 where it cannot be seen.
     */
    public static int notYetAccepted(int port) {
        return listeningSockets().stream().filter(socket -> socket.port() == port)
                .mapToInt(TcpSocket::receiveQueue).max().orElse(0);
    }

    /** A row of the kernel's TCP table: local port, inode, whether it listens, and rx_queue. */
    private record TcpSocket(int port, String inode, boolean listening, int receiveQueue) {
    }

    /**
     * The listening rows only. The kernel lists them first (net/ipv4/tcp_ipv4.c: the listening hash,
     * then the established one), so the read stops at the first other row. That matters: the full
     * tables walk every bucket of the established hash (262,144 on these machines) and hold every
     * TIME_WAIT of the machine, about 10 ms of kernel time per read, and readiness is polled every 10 ms.
     */
    private static List<TcpSocket> listeningSockets() {
        return tcpSockets(true);
    }

    private static List<TcpSocket> tcpSockets(boolean listeningOnly) {
        List<TcpSocket> sockets = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (BufferedReader rows = Files.newBufferedReader(Path.of(table), StandardCharsets.US_ASCII)) {
                for (String line = rows.readLine(); line != null; line = rows.readLine()) {
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    //  0: 0100007F:1F90 00000000:0000 0A ...                              12345
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length > 9 && !fields[0].equals("sl")) {
                        boolean listening = fields[3].equals(LISTEN);
                        if (listeningOnly && !listening) {
                            break; // the listening rows are over
                        }
                        String local = fields[1];
                        int port = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
                        String queues = fields[4]; // tx_queue:rx_queue, hex
                        int received = Integer.parseInt(queues.substring(queues.indexOf(':') + 1), 16);
                        sockets.add(new TcpSocket(port, fields[9], listening, received));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no such table (no IPv6) or a line we do not understand: skip it
            }
        }
        return sockets;
    }

    private static boolean probe(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String describe(Set<Integer> ports) {
        return ports.size() == 1 ? "port " + ports.iterator().next()
                : "ports " + String.join(", ", ports.stream().map(String::valueOf).toList());
    }
}
