package io.jrq.redisserver;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately tiny RESP2 client.
 *
 * <p>It talks to servers that may be loading, paused or shutting down, and it must not pull a
 * full client (and its thread pools) into every JVM that starts one just to send PING, SHUTDOWN or
 * CLUSTER MEET. A blocking socket with explicit timeouts is the most predictable tool for that.
 * It is meant for such administrative commands, not for load.
 */
public final class Resp implements AutoCloseable {

    /** An error reply ({@code -ERR ...}); kept distinct from I/O failures so callers can retry on LOADING. */
    public static final class ErrorReply extends IllegalStateException {
        ErrorReply(String message) {
            super(message);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private Resp(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    /**
     * Opens a connection and authenticates when a password is given.
     *
     * @param host the host
     * @param port the port
     * @param password the password, or null for none
     * @param connectTimeoutMillis how long connecting may take
     * @param readTimeoutMillis how long each reply may take
     * @return the open connection
     * @throws IOException when the server cannot be reached or does not answer in time
     * @throws ErrorReply when it refuses the password
     */
    public static Resp connect(String host, int port, String password, int connectTimeoutMillis, int readTimeoutMillis)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            socket.setSoTimeout(readTimeoutMillis);
            Resp resp = new Resp(socket);
            if (password != null) {
                resp.call("AUTH", password);
            }
            return resp;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Sends one command and reads its reply: a String for status and bulk replies, a Long for
     * integers, a List for arrays and null for nil.
     *
     * @param command the command name followed by its arguments
     * @return the reply
     * @throws IOException when the connection fails or the reply does not come in time
     * @throws ErrorReply when the server answers with an error
     */
    public Object call(String... command) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        writeAscii(buf, "*" + command.length + "\r\n");
        for (String arg : command) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            writeAscii(buf, "$" + bytes.length + "\r\n");
            buf.write(bytes, 0, bytes.length);
            writeAscii(buf, "\r\n");
        }
        out.write(buf.toByteArray());
        out.flush();
        return read();
    }

    private Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed by server");
        }
        String line = readLine();
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new ErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                if (bytes.length != length + 2) {
                    throw new EOFException("connection closed inside a bulk reply");
                }
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    try {
                        items.add(read());
                    } catch (ErrorReply e) {
                        // Errors nested in arrays (EXEC) are data, not a failure of the whole call.
                        items.add(e.getMessage());
                    }
                }
                return items;
            }
            default:
                throw new IOException("unexpected RESP type byte '" + (char) type + "'");
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside a reply");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
    }

    /**
     * Renders a reply the way a person reading a test failure wants to see it: arrays as their
     * elements on separate lines, nil elements as {@code (nil)}.
     *
     * @param reply a reply from {@link #call(String...)}
     * @return the text, or null for a nil reply
     */
    public static String render(Object reply) {
        if (reply == null) {
            return null;
        }
        if (reply instanceof List) {
            List<String> parts = new ArrayList<>();
            for (Object item : (List<?>) reply) {
                String text = render(item);
                parts.add(text == null ? "(nil)" : text);
            }
            return String.join("\n", parts);
        }
        return reply.toString();
    }

    /**
     * Reads one {@code name:value} line of an INFO reply.
     *
     * @param info the INFO reply
     * @param field the field name
     * @return the value, or null when absent
     */
    public static String infoField(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        return null;
    }

    private static void writeAscii(ByteArrayOutputStream buf, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        buf.write(bytes, 0, bytes.length);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing useful to do: the peer is gone either way.
        }
    }
}
