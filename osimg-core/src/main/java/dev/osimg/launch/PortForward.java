package dev.osimg.launch;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host port forwarded to a guest port through QEMU's user networking ({@code --publish [ADDR:]HOST:GUEST[/udp]}).
 *
 * @param address   the host address to listen on (loopback unless given)
 * @param hostPort  the host port
 * @param guestPort the guest port
 * @param udp       whether it forwards UDP instead of TCP
 */
public record PortForward(String address, int hostPort, int guestPort, boolean udp) {
    private static final Pattern FORM = Pattern.compile("(?:(\\d{1,3}(?:\\.\\d{1,3}){3}):)?(\\d+):(\\d+)(?:/(tcp|udp))?");

    /** Parses {@code [ADDR:]HOST:GUEST[/tcp|/udp]}; the host address defaults to 127.0.0.1. */
    public static PortForward parse(String text) {
        Matcher m = FORM.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("--publish " + text + ": expected [ADDR:]HOST:GUEST[/tcp|/udp], like 2222:22");
        }
        String address = m.group(1) == null ? "127.0.0.1" : m.group(1);
        try {
            InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--publish " + text + ": " + address + " is not an IPv4 address");
        }
        return new PortForward(address, port(text, m.group(2)), port(text, m.group(3)), "udp".equals(m.group(4)));
    }

    private static int port(String text, String value) {
        int port = Integer.parseInt(value);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--publish " + text + ": port " + value + " is not between 1 and 65535");
        }
        return port;
    }

    /** QEMU's {@code hostfwd=} value. */
    public String hostfwd() {
        return (udp ? "udp" : "tcp") + ":" + address + ":" + hostPort + "-:" + guestPort;
    }

    /** Fails with a clear message when the host port cannot be bound (another program holds it). */
    public void checkFree() throws LaunchException {
        InetSocketAddress where = new InetSocketAddress(address, hostPort);
        try {
            if (udp) {
                try (DatagramSocket s = new DatagramSocket(where)) {
                    s.getLocalPort();
                }
            } else {
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(where);
                }
            }
        } catch (IOException e) {
            throw new LaunchException("--publish " + address + ":" + hostPort + ":" + guestPort + (udp ? "/udp" : "")
                    + ": host port " + hostPort + " on " + address + " is not available (" + e.getMessage()
                    + "); another program probably uses it: choose another host port");
        }
    }
}
