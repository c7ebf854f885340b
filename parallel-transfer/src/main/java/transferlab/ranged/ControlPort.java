package transferlab.ranged;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import transferlab.deadline.Deadline;
import transferlab.server.AcceptFailures;
import transferlab.server.BusyRefusal;
import transferlab.server.DescriptorBudget;
import transferlab.server.ServerLog;

/**
 * The control port of a ranged server: accepts HTTP/1.x connections and answers one request on each
 * (R1-R3, R7-R11, R19), with every limit in our hands:
 * <ul>
 *   <li>the request must be in within the idle timeout (head and body together; every read waits at
 *       most that long), its head at most {@link HttpMessage#MAX_HEAD_BYTES}, its body at most
 *       {@link RangedLimits#maxRequestBodyBytes()}: a trickling peer holds a control thread for one
 *       idle timeout at most;</li>
 *   <li>one peer address has at most {@link RangedLimits#maxControlPerAddress()} requests being
 *       answered at once; its further connections wait (at most {@link #WAITING_PER_ADDRESS}, beyond
 *       that they get 503), so one host cannot hold every control thread, like vsftpd's
 *       {@code max_per_ip};</li>
 *   <li>a bounded pool of {@link RangedLimits#maxControlThreads()} threads answers;</li>
 *   <li>each connection held takes one descriptor of the server's {@link DescriptorBudget}; when
 *       none is left, a new connection gets 503 at once (a crowd cannot run the process out of
 *       descriptors), and an accept that fails anyway is retried after a pause.</li>
 * </ul>
 */
final class ControlPort implements Closeable {
    /** Connections of one address waiting for one of its control slots. */
    static final int WAITING_PER_ADDRESS = 64;
    /** Control connections held at once, over all addresses (answered, queued or waiting): many hosts together. */
    static final int MAX_HELD = 1024;
    /** After a reply: what the client may still send, and how long we wait for its close. */
    static final long MAX_DRAIN_BYTES = 64 * 1024;
    static final long DRAIN_MILLIS = 1000;

    /** What answers a request that was read whole. */
    @FunctionalInterface
    interface Answerer {
        ControlHandler.Reply answer(String method, String target, byte[] body, InetSocketAddress peer);
    }

    private final ServerSocket socket;
    private final RangedLimits limits;
    private final ExecutorService threads;
    private final Answerer answerer;
    private final DescriptorBudget descriptors;
    private final ServerLog log;
    private final Map<InetAddress, ArrayDeque<Socket>> waiting = new HashMap<>(); // guarded by itself
    private final Map<InetAddress, Integer> active = new HashMap<>(); // guarded by waiting
    private int held; // guarded by waiting: connections admitted and not finished

    ControlPort(InetSocketAddress address, RangedLimits limits, ExecutorService threads, Answerer answerer,
                DescriptorBudget descriptors, ServerLog log) throws IOException {
        this.socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(address, 128);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        this.limits = limits;
        this.threads = threads;
        this.answerer = answerer;
        this.descriptors = descriptors;
        this.log = log;
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Starts the accept thread. */
    void start(ThreadFactory factory) {
        factory.newThread(this::acceptLoop).start();
    }

    private void acceptLoop() {
        try {
            // An accept that fails with the socket open (out of descriptors) is retried after a pause.
            for (Socket connection; (connection = AcceptFailures.acceptNext(socket, log)) != null; ) {
                admit(connection);
            }
        } catch (IOException interrupted) {
            log.info("control: stopped accepting: " + interrupted.getMessage());
        }
    }

    /**
     * Runs the connection now, queues it behind its address's others, or refuses it with 503. Each
     * connection admitted holds one descriptor of the server's budget until it is finished (R19).
     */
    private void admit(Socket connection) {
        InetAddress address = connection.getInetAddress();
        if (!descriptors.tryTake(1)) {
            refuse(connection, "the server holds as many connections as its open file limit allows; try again later");
            return;
        }
        synchronized (waiting) {
            if (held >= MAX_HELD) {
                descriptors.giveBack(1);
                refuse(connection, "too many requests at once");
                return;
            }
            held++;
            int running = active.getOrDefault(address, 0);
            if (running < limits.maxControlPerAddress()) {
                active.put(address, running + 1);
            } else {
                ArrayDeque<Socket> queue = waiting.computeIfAbsent(address, a -> new ArrayDeque<>());
                if (queue.size() < WAITING_PER_ADDRESS) {
                    queue.add(connection);
                    return;
                }
                held--;
                descriptors.giveBack(1);
                refuse(connection, "too many requests from " + address.getHostAddress() + " at once");
                return;
            }
        }
        run(connection);
    }

    private void run(Socket connection) {
        try {
            threads.execute(() -> {
                try {
                    exchange(connection);
                } finally {
                    finished(connection.getInetAddress());
                }
            });
        } catch (RejectedExecutionException stopping) {
            refuse(connection, "the server is stopping");
            finished(connection.getInetAddress());
        }
    }

    /** One of {@code address}'s requests is done (its socket closed): the next of its waiting connections runs. */
    private void finished(InetAddress address) {
        Socket next;
        descriptors.giveBack(1);
        synchronized (waiting) {
            held--;
            ArrayDeque<Socket> queue = waiting.get(address);
            next = queue == null ? null : queue.poll();
            if (queue != null && queue.isEmpty()) {
                waiting.remove(address);
            }
            if (next == null) {
                int running = active.getOrDefault(address, 1) - 1;
                if (running <= 0) {
                    active.remove(address);
                } else {
                    active.put(address, running);
                }
            }
        }
        if (next != null) {
            run(next);
        }
    }

    private void exchange(Socket connection) {
        InetSocketAddress peer = (InetSocketAddress) connection.getRemoteSocketAddress();
        try (connection) {
            // The whole request within the idle timeout: a trickling peer holds this thread no longer.
            Deadline deadline = Deadline.start(System.nanoTime(), limits.idleTimeout(), limits.idleTimeout());
            HttpMessage request;
            try {
                request = HttpMessage.read(connection, deadline, limits.maxRequestBodyBytes(), false);
            } catch (HttpMessage.MalformedException e) {
                reply(connection, ControlHandler.Reply.error(e.getMessage().contains("head") ? 431 : 400,
                        e.getMessage()), false);
                log.event(peer, "control: " + e.getMessage());
                return;
            } catch (SocketTimeoutException e) {
                reply(connection, ControlHandler.Reply.error(408, "the request was not complete within "
                        + limits.idleTimeout().toSeconds() + " s"), false);
                log.event(peer, "control: request not complete within the idle timeout; closed");
                return;
            }
            String[] parts = request.startLine().split(" ");
            if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
                reply(connection, ControlHandler.Reply.error(400, "not an HTTP/1.x request line: '"
                        + HttpMessage.printable(request.startLine()) + "'"), false);
                return;
            }
            ControlHandler.Reply answer = answerer.answer(parts[0], parts[1], request.body(), peer);
            reply(connection, answer, "HEAD".equals(parts[0]));
        } catch (IOException e) {
            log.event(peer, "control: " + e.getMessage()); // the peer went away; nothing to answer
        }
    }

    private void reply(Socket connection, ControlHandler.Reply reply, boolean headOnly) throws IOException {
        String[] extra = reply.status() == 405 ? new String[] {"Allow: POST"} : new String[0];
        HttpMessage.writeReply(connection.getOutputStream(), reply.status(), "application/json", reply.body(), headOnly,
                extra);
        connection.shutdownOutput(); // FIN after the reply; the close follows with the try
        drainBeforeClose(connection);
    }

    /**
     * A socket closed with unread input sends a reset, which can destroy the reply still on its way
     * (a refused request often leaves bytes unread: the rest of a long head or body). So read and
     * discard until the client closes, at most {@link #MAX_DRAIN_BYTES} and {@link #DRAIN_MILLIS}.
     */
    private static void drainBeforeClose(Socket connection) {
        byte[] ignored = new byte[4096];
        long drained = 0;
        long until = System.nanoTime() + DRAIN_MILLIS * 1_000_000L;
        try {
            int n = 0;
            while (n >= 0 && drained <= MAX_DRAIN_BYTES) {
                long left = (until - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return;
                }
                connection.setSoTimeout((int) left);
                n = connection.getInputStream().read(ignored);
                drained += Math.max(0, n);
            }
        } catch (IOException goneOrSilent) {
            // either way, closing now is all that is left
        }
    }

    /** 503 from the accept thread: a few bytes that fit any socket buffer, so this write does not block. */
    private void refuse(Socket connection, String why) {
        BusyRefusal.refuse(connection, refused -> HttpMessage.writeReply(refused.getOutputStream(), 503,
                "application/json", ControlHandler.Reply.error(503, why).body(), false), log, "control: 503 " + why);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        synchronized (waiting) {
            for (ArrayDeque<Socket> queue : waiting.values()) {
                for (Socket queued : queue) {
                    queued.close();
                }
            }
            waiting.clear();
        }
    }
}
