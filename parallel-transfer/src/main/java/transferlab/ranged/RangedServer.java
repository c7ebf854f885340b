package transferlab.ranged;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import transferlab.server.DescriptorBudget;
import transferlab.server.NamedThreads;
import transferlab.server.ServerLog;
import transferlab.server.TcpServer;
import transferlab.storage.ServedDirectory;

/**
 * The ranged download server of stage 3 (protocol R, seed 000): HTTP/1.x control on one port (our own
 * {@link ControlPort}, see {@link HttpMessage} for why not the JDK's server), a data listener per
 * accepted request on a free port of the same address.
 *
 * <pre>
 *   RangedServer server = RangedServer.bind(new InetSocketAddress("127.0.0.1", 0),
 *           new ServedDirectory(root), RangedLimits.defaults(), ServerLog.to(System.out));
 *   server.serveInBackground("ranged");   // or server.serve() on this thread
 * </pre>
 *
 * <p>Threads, all named: {@code ranged-control-accept}; {@code ranged-control-N} (bounded) answering
 * control requests; {@code ranged-listener-PORT}, one per open data listener (bounded by
 * {@link RangedLimits#maxDataListeners()}); {@code ranged-data-N} (bounded) sending blocks; and
 * {@code ranged-watchdog} closing stalled connections.
 *
 * <p>Per peer address (R19, like vsftpd's {@code max_per_ip}): at most
 * {@link RangedLimits#maxListenersPerAddress()} open data listeners, and at most
 * {@link RangedLimits#maxControlPerAddress()} control requests answered at once.
 *
 * <p>Descriptors (R19, issue 11 item 6a): every control connection, data listener (socket and file)
 * and data connection takes its share of one {@link DescriptorBudget}, derived from the process's
 * open file limit; beyond it a control connection gets 503, a request that would open a listener
 * gets 503, and a data connection is closed at accept. A failed accept is retried after a pause.
 */
public final class RangedServer implements TcpServer {
    private final ControlPort control;
    private final InetSocketAddress bindAddress;
    private final RangedLimits limits;
    private final ServerLog log;
    private final Md5Cache md5s = new Md5Cache();
    private final ExecutorService controlThreads;
    private final ThreadPoolExecutor dataThreads;
    private final StallWatchdog watchdog = new StallWatchdog("ranged-watchdog");
    private final DescriptorBudget descriptors;
    private final Set<DataListener> listeners = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, Integer> listenersPerAddress = new HashMap<>(); // guarded by listeners
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile DataPortAdvertiser advertiser = DataPortAdvertiser.DIRECT;
    private boolean started;
    private boolean closing; // guarded by listeners

    private RangedServer(InetSocketAddress bindAddress, ServedDirectory directory, RangedLimits limits,
                           DescriptorBudget descriptors, ServerLog log) throws IOException {
        this.bindAddress = bindAddress;
        this.limits = limits;
        this.descriptors = descriptors;
        this.log = log;
        this.controlThreads = Executors.newFixedThreadPool(limits.maxControlThreads(),
                NamedThreads.daemon("ranged-control-"));
        this.dataThreads = new ThreadPoolExecutor(limits.maxDataThreads(), limits.maxDataThreads(),
                30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(limits.maxQueuedConnections()),
                NamedThreads.daemon("ranged-data-"));
        this.dataThreads.allowCoreThreadTimeOut(true); // an idle server holds no data threads
        ControlHandler handler = new ControlHandler(directory, limits, this::offer, log);
        try {
            this.control = new ControlPort(bindAddress, limits, controlThreads, handler::answer, descriptors, log);
        } catch (IOException e) {
            controlThreads.shutdown();
            dataThreads.shutdown();
            watchdog.close();
            throw e;
        }
    }

    /**
     * Binds the control port ({@code address}, port 0 = any free port); call {@link #serve} to start.
     * Its connections hold at most the descriptors this process has free, less a reserve; the log
     * says at start if {@code limits} could hold more (R19).
     */
    public static RangedServer bind(InetSocketAddress address, ServedDirectory directory, RangedLimits limits,
                                      ServerLog log) throws IOException {
        return bind(address, directory, limits, DescriptorBudget.ofThisProcess(mostDescriptors(limits),
                "the ranged server's limits", log), log);
    }

    /** The same with a budget of descriptors of the caller's choosing: a test's small ceiling. */
    public static RangedServer bind(InetSocketAddress address, ServedDirectory directory, RangedLimits limits,
                                      DescriptorBudget descriptors, ServerLog log) throws IOException {
        return new RangedServer(address, directory, limits, descriptors, log);
    }

    /**
     * What {@code limits} allow to be open at once: every control connection held, every data
     * listener (its socket and its file), every data connection sending or queued for a thread.
     */
    static int mostDescriptors(RangedLimits limits) {
        long most = (long) ControlPort.MAX_HELD + (long) DataListener.DESCRIPTORS * limits.maxDataListeners()
                + limits.maxDataThreads() + limits.maxQueuedConnections();
        return (int) Math.min(Integer.MAX_VALUE, most);
    }

    /**
     * For tests: advertise another port than the data listener's own (a proxy in front of it). Set it
     * before the first request.
     */
    public RangedServer advertisingDataPortsWith(DataPortAdvertiser advertiser) {
        this.advertiser = advertiser;
        return this;
    }

    @Override
    public InetSocketAddress address() {
        return new InetSocketAddress(bindAddress.getAddress(), control.port());
    }

    /** How many data listeners are open now: tests check that an error answer opened none. */
    public int openDataListeners() {
        return listeners.size();
    }

    /** Starts answering and blocks until {@link #close()}. */
    @Override
    public void serve() {
        synchronized (this) {
            if (!started) {
                started = true;
                control.start(NamedThreads.daemon("ranged-control-accept-"));
            }
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Opens the data listener for an accepted request and says where it is (R3, R4). */
    DownloadOffer offer(Path file, String name, DownloadRequest request, InetSocketAddress peer)
            throws IOException, ControlHandler.BusyException {
        String md5 = md5s.md5Hex(file);
        InetAddress address = peer.getAddress();
        DataListener listener;
        synchronized (listeners) {
            if (closing) {
                throw new ControlHandler.BusyException("the server is stopping");
            }
            if (listeners.size() >= limits.maxDataListeners()) {
                throw new ControlHandler.BusyException(limits.maxDataListeners()
                        + " downloads are being served; try again later");
            }
            int ofAddress = listenersPerAddress.getOrDefault(address, 0);
            if (ofAddress >= limits.maxListenersPerAddress()) {
                throw new ControlHandler.BusyException(ofAddress + " downloads of " + address.getHostAddress()
                        + " are being served, its most at once; try again later");
            }
            if (!descriptors.tryTake(DataListener.DESCRIPTORS)) {
                throw new ControlHandler.BusyException("the server holds as many connections and files as its open"
                        + " file limit allows; try again later");
            }
            try {
                listener = DataListener.open(file, name, request.blocks(), address(), limits, dataThreads, watchdog,
                        descriptors, log, closed -> listenerClosed(closed, address));
            } catch (IOException | RuntimeException e) {
                descriptors.giveBack(DataListener.DESCRIPTORS); // open() closed what it had opened
                throw e;
            }
            listeners.add(listener);
            listenersPerAddress.put(address, ofAddress + 1);
        }
        listener.start();
        int advertised;
        try {
            advertised = advertiser.portFor(listener.address());
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        BlockLayout layout = listener.layout();
        log.info(ServerLog.peerText(peer) + " POST " + name + ": " + layout.size() + " bytes in " + layout.blocks()
                + " blocks of "
                + layout.blockSize() + ", md5 " + md5 + ", data port " + advertised);
        return DownloadOffer.of(md5, advertised, layout);
    }

    private void listenerClosed(DataListener listener, InetAddress address) {
        synchronized (listeners) {
            if (listeners.remove(listener)) {
                listenersPerAddress.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
            }
        }
    }

    /** Stops answering and closes every data listener; blocks being sent finish or time out on their own. */
    @Override
    public void close() {
        try {
            control.close();
        } catch (IOException e) {
            log.info("closing the control port: " + e.getMessage());
        }
        synchronized (listeners) {
            closing = true; // no request still being answered opens a listener after this
        }
        for (DataListener listener : listeners) {
            listener.close();
        }
        controlThreads.shutdown();
        dataThreads.shutdown();
        watchdog.close();
        stopped.countDown();
    }
}
