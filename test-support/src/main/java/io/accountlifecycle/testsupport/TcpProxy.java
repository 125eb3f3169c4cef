package io.accountlifecycle.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback between a client and a server, for faults on the wire: {@link #pause()} stalls every
 * connection without closing it (bytes read from either side are held, nothing is forwarded, new connections are
 * accepted and held too), {@link #pauseAnswers()} holds only what the server sends back, {@link #resume()} lets
 * the held bytes through, {@link #dropAll()} cuts every connection with a reset. Counters say what really moved,
 * so a test can prove its fault happened: bytes forwarded each way, bytes held while paused, connections accepted.
 *
 * <p>Written here rather than taken from a library: Toxiproxy, the well-known one, is a Go server (not on Maven
 * Central), and a pause that keeps connections open is a dozen lines over blocking sockets. Two threads per
 * connection, which is plenty for a test's handful of clients.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "tcp-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private volatile boolean pausedToServer;
    private volatile boolean pausedToClient;
    private volatile boolean closed;

    private final AtomicLong toServer = new AtomicLong();
    private final AtomicLong toClient = new AtomicLong();
    private final AtomicLong heldToServer = new AtomicLong();
    private final AtomicLong heldToClient = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();

    private TcpProxy(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
    }

    /** A proxy on a free loopback port (or {@code port}, when not 0) to {@code 127.0.0.1:targetPort}. */
    public static TcpProxy start(int port, int targetPort) {
        try {
            ServerSocket listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            TcpProxy proxy = new TcpProxy(listener, new InetSocketAddress(InetAddress.getLoopbackAddress(),
                                                                          targetPort));
            proxy.threads.submit(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on port " + port, e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Stalls every connection, open or new, without closing any: what a hung switch or a frozen peer does. */
    public void pause() {
        pausedToServer = true;
        pausedToClient = true;
    }

    /**
     * Stalls the server's answers only: requests still reach it (and are acted on), nothing it says comes back — a
     * write the server made that its client never hears acknowledged.
     */
    public void pauseAnswers() {
        pausedToClient = true;
    }

    /** Lets bytes through again, the held ones first. */
    public void resume() {
        synchronized (gate) {
            pausedToServer = false;
            pausedToClient = false;
            gate.notifyAll();
        }
    }

    /** Cuts every open connection with a reset; bytes held for them are lost, as on a broken link. */
    public void dropAll() {
        for (Socket socket : sockets) {
            try {
                socket.setSoLinger(true, 0);
            } catch (SocketException alreadyClosed) {
                // nothing to reset
            }
            closeQuietly(socket);
        }
    }

    public long bytesToServer() {
        return toServer.get();
    }

    public long bytesToClient() {
        return toClient.get();
    }

    /** Bytes a client sent while the proxy was paused (held, or dropped with their connection). */
    public long bytesHeldToServer() {
        return heldToServer.get();
    }

    /** Bytes the server sent while the proxy was paused. */
    public long bytesHeldToClient() {
        return heldToClient.get();
    }

    public long connectionsAccepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                sockets.add(client);
                threads.submit(() -> connect(client));
            } catch (IOException e) {
                if (!closed) {
                    System.getLogger(TcpProxy.class.getName())
                          .log(System.Logger.Level.WARNING, "Proxy " + port() + " stopped accepting", e);
                }
                return;
            }
        }
    }

    private void connect(Socket client) {
        Socket server = new Socket();
        try {
            server.connect(target, 5_000);
            server.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
        } catch (IOException refused) {
            // Nothing listens behind the proxy (the server is down): the client sees its connection closed.
            closeQuietly(server);
            sockets.remove(client);
            closeQuietly(client);
            return;
        }
        sockets.add(server);
        threads.submit(() -> pump(client, server, true));
        pump(server, client, false);
    }

    private void pump(Socket from, Socket to, boolean toTheServer) {
        AtomicLong forwarded = toTheServer ? toServer : toClient;
        AtomicLong held = toTheServer ? heldToServer : heldToClient;
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (paused(toTheServer)) {
                    held.addAndGet(read);
                    awaitResumed(toTheServer);
                }
                forwarded.addAndGet(read); // counted first: the peer may answer before this thread goes on
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException | InterruptedException closedOrCut) {
            // one side went away (or was dropped): close both
        } finally {
            sockets.remove(from);
            sockets.remove(to);
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private boolean paused(boolean toTheServer) {
        return toTheServer ? pausedToServer : pausedToClient;
    }

    private void awaitResumed(boolean toTheServer) throws InterruptedException, SocketException {
        synchronized (gate) {
            while (paused(toTheServer) && !closed) {
                gate.wait(100);
            }
        }
        if (closed) {
            throw new SocketException("proxy closed");
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        resume();
        closeQuietly(listener);
        dropAll();
        threads.shutdownNow();
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
