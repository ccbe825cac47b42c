package io.jrq.internal.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Finds out whether a server that closed a plaintext connection at once listens for TLS on that
 * port, so that "use rediss://" is said only when it is true. A plaintext client's first bytes make
 * a TLS server close the connection without a word, which looks the same as a server that crashed,
 * restarted or dropped the client while it connected; a TLS handshake tells them apart: only a TLS
 * server answers it with its certificate (or a TLS alert). The probe stops at the certificate,
 * which it refuses, so it never sends or reads any data.
 */
final class TlsProbe {
    private TlsProbe() {}

    /**
     * @param host the server's host
     * @param port its port
     * @param timeoutMs for the connect and for the server's answer, each
     * @return true when the server answered a TLS handshake as a TLS server does
     */
    static boolean speaksTls(String host, int port, int timeoutMs) {
        Recorder recorder = new Recorder();
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(host, port), timeoutMs);
            raw.setSoTimeout(timeoutMs);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {recorder}, null);
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, false)) {
                tls.startHandshake();
                return true;
            }
        } catch (IOException e) {
            // A TLS server that dislikes this client (protocol version, ciphers, a client certificate)
            // says so with an alert; a plaintext server never sends one.
            return recorder.sawCertificate || String.valueOf(e.getMessage()).contains("Received fatal alert");
        } catch (GeneralSecurityException | RuntimeException e) {
            return recorder.sawCertificate;
        }
    }

    /** Notes that the server sent a certificate chain, and refuses it to end the handshake there. */
    private static final class Recorder implements X509TrustManager {
        private volatile boolean sawCertificate;

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a probe trusts no one");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            sawCertificate = chain != null && chain.length > 0;
            throw new CertificateException("a probe trusts no one");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
