package io.agentstatebridge.bridge.testing;

import io.agentstatebridge.bridge.config.DatabaseUrl;

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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on 127.0.0.1 between a client under test and a real server, that can make the
 * server unreachable until {@link #restore()}: {@link #cut()} resets every forwarded connection on
 * both sides and every connection attempt after it (the client sees "connection reset" or
 * "connection attempt failed", as behind a load balancer with no backend); {@link #partition()}
 * does the same to the client but leaves the server's side hanging, as a lost network does.
 *
 * <p>Threads: one accepting, two per forwarded connection (one per direction), all daemons. The
 * listening socket stays open while cut: closing it could let another process take the port.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean cut;
    private volatile boolean closed;

    private TcpProxy(ServerSocket listener, InetSocketAddress server) {
        this.listener = listener;
        this.server = server;
    }

    /** Starts forwarding from a free port on 127.0.0.1 to {@code host:port}. */
    public static TcpProxy forwardingTo(String host, int port) {
        try {
            ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            TcpProxy proxy = new TcpProxy(listener, new InetSocketAddress(host, port));
            Thread acceptor = new Thread(proxy::acceptLoop, "tcp-proxy-" + listener.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the proxy's port", e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code url} with its host and port replaced by the proxy's, so its client connects through it. */
    public DatabaseUrl route(DatabaseUrl url) {
        String through = url.jdbcUrl().replaceFirst("^jdbc:postgresql://[^/]*/",
                "jdbc:postgresql://127.0.0.1:" + port() + "/");
        return DatabaseUrl.parse(through, "proxied URL");
    }

    /** Resets every forwarded connection and, until {@link #restore()}, every new one. */
    public void cut() {
        cut = true;
        for (Socket socket : open) {
            reset(socket);
        }
    }

    /**
     * Like a network partition: the client's connections break and new ones are refused until
     * {@link #restore()}, but the server is told nothing; its sessions linger until its own
     * timeouts end them (a walsender: wal_sender_timeout), as when packets are simply lost.
     */
    public void partition() {
        cut = true;
        for (Link link : links) {
            link.partitioned = true;
            reset(link.client);
        }
    }

    /** Forwards new connections again. */
    public void restore() {
        cut = false;
    }

    /** Connection attempts reset while cut, since the proxy started. */
    public int refusedConnections() {
        return refused.get();
    }

    @Override
    public void close() {
        closed = true;
        for (Link link : links) {
            link.partitioned = false;
        }
        cut();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut) {
                refused.incrementAndGet();
                reset(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(server, 10_000);
            } catch (IOException e) {
                reset(client);
                reset(upstream);
                continue;
            }
            open.add(client);
            open.add(upstream);
            if (cut) { // cut between accept and registration: do not let this one through
                reset(client);
                reset(upstream);
                continue;
            }
            Link link = new Link(client, upstream);
            links.add(link);
            pump(link, client, upstream);
            pump(link, upstream, client);
        }
    }

    private void pump(Link link, Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException ignored) {
                // either side went away, or the proxy cut the connection
            } finally {
                if (link.partitioned) {
                    reset(link.client); // the server's side is left hanging, unanswered
                } else {
                    reset(from);
                    reset(to);
                    links.remove(link);
                }
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** A forwarded connection: the client's socket and the proxy's socket to the server. */
    private static final class Link {
        final Socket client;
        final Socket upstream;
        volatile boolean partitioned;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }
    }

    /** Closes with RST rather than FIN, so both peers see the connection fail, not end. */
    private void reset(Socket socket) {
        open.remove(socket);
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (SocketException ignored) {
            // already unusable
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
