package transferlab.ranged;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import transferlab.server.NamedThreads;
import transferlab.server.ServerLog;
import transferlab.server.TcpServer;
import transferlab.storage.ServedDirectory;

/**
 * The ranged download server of stage 3 (protocol R, seed 000): HTTP/1.1 control on one port, a data
 * listener per accepted request on a free port of the same address.
 *
 * <pre>
 *   ParallelServer server = ParallelServer.bind(new InetSocketAddress("127.0.0.1", 0),
 *           new ServedDirectory(root), RangedLimits.defaults(), ServerLog.to(System.out));
 *   server.serveInBackground("ranged");   // or server.serve() on this thread
 * </pre>
 *
 * <p>Threads, all named: the JDK server's dispatcher; {@code ranged-control-N} (bounded) answering
 * control requests; {@code ranged-listener-PORT}, one per open data listener (bounded by
 * {@link RangedLimits#maxDataListeners()}); {@code ranged-data-N} (bounded) sending blocks; and
 * {@code ranged-watchdog} closing stalled connections.
 *
 * <p>The control exchange's time limit is the JDK server's own, {@code sun.net.httpserver.maxReqTime}
 * and {@code maxRspTime}: system properties read once per JVM, when the first JDK HTTP server is
 * created. If they are not set, {@link #bind} sets them to the transfer deadline, so a client that
 * sends half a request cannot hold a control thread forever.
 */
public final class ParallelServer implements TcpServer {
    private final HttpServer http;
    private final InetSocketAddress bindAddress;
    private final RangedLimits limits;
    private final ServerLog log;
    private final Md5Cache md5s = new Md5Cache();
    private final ExecutorService controlThreads;
    private final ThreadPoolExecutor dataThreads;
    private final StallWatchdog watchdog = new StallWatchdog("ranged-watchdog");
    private final Set<DataListener> listeners = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile DataPortAdvertiser advertiser = DataPortAdvertiser.DIRECT;
    private boolean started;
    private boolean closing; // guarded by listeners

    private ParallelServer(HttpServer http, InetSocketAddress bindAddress, ServedDirectory directory, RangedLimits limits,
                           ServerLog log) {
        this.http = http;
        this.bindAddress = bindAddress;
        this.limits = limits;
        this.log = log;
        this.controlThreads = Executors.newFixedThreadPool(limits.maxControlThreads(),
                NamedThreads.daemon("ranged-control-"));
        this.dataThreads = new ThreadPoolExecutor(limits.maxDataThreads(), limits.maxDataThreads(),
                30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(limits.maxQueuedConnections()),
                NamedThreads.daemon("ranged-data-"));
        this.dataThreads.allowCoreThreadTimeOut(true); // an idle server holds no data threads
        http.createContext("/", new ControlHandler(directory, limits, this::offer, log));
        http.setExecutor(controlThreads);
    }

    /** Binds the control port ({@code address}, port 0 = any free port); call {@link #serve} to start. */
    public static ParallelServer bind(InetSocketAddress address, ServedDirectory directory, RangedLimits limits,
                                      ServerLog log) throws IOException {
        String seconds = Long.toString(Math.max(1, limits.transferDeadline().toSeconds()));
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", seconds);
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
            System.setProperty("sun.net.httpserver.maxRspTime", seconds);
        }
        HttpServer http = HttpServer.create(address, 128);
        return new ParallelServer(http, address, directory, limits, log);
    }

    /**
     * For tests: advertise another port than the data listener's own (a proxy in front of it). Set it
     * before the first request.
     */
    public ParallelServer advertisingDataPortsWith(DataPortAdvertiser advertiser) {
        this.advertiser = advertiser;
        return this;
    }

    @Override
    public InetSocketAddress address() {
        // The JDK reports a wildcard bind as "::"; report the address asked for, with the real port.
        return new InetSocketAddress(bindAddress.getAddress(), http.getAddress().getPort());
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
                http.start();
            }
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Opens the data listener for an accepted request and says where it is (R3, R4). */
    DownloadOffer offer(Path file, String name, DownloadRequest request, String peer)
            throws IOException, ControlHandler.BusyException {
        String md5 = md5s.md5Hex(file);
        DataListener listener;
        synchronized (listeners) {
            if (closing) {
                throw new ControlHandler.BusyException("the server is stopping");
            }
            if (listeners.size() >= limits.maxDataListeners()) {
                throw new ControlHandler.BusyException(limits.maxDataListeners()
                        + " downloads are being served; try again later");
            }
            listener = DataListener.open(file, name, request.threads(), address(), limits, dataThreads, watchdog, log,
                    listeners::remove);
            listeners.add(listener);
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
        log.info(peer + " POST " + name + ": " + layout.size() + " bytes in " + layout.threads() + " blocks of "
                + layout.blockSize() + ", md5 " + md5 + ", data port " + advertised);
        return new DownloadOffer(md5, layout.size(), layout.blockSize(), layout.threads(), advertised);
    }

    /** Stops answering and closes every data listener; blocks being sent finish or time out on their own. */
    @Override
    public void close() {
        synchronized (this) {
            if (!started) {
                // The JDK server binds in create(); only a started server releases its port on stop().
                started = true;
                http.start();
            }
        }
        http.stop(0);
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
