package io.jrq.dashboard;

import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * Checks the user name and password of a dashboard login (the login form, or HTTP Basic from a
 * script). Implementations must be thread-safe and should compare in constant time; the dashboard
 * slows down and then refuses repeated failures from one address itself.
 */
@FunctionalInterface
public interface Authenticator {
    /**
     * @param user the user name given
     * @param password the password given; the caller clears the array afterwards
     * @return true when they are right
     */
    boolean authenticate(String user, char[] password);

    /**
     * One user with one password, compared in constant time (both sides are hashed to SHA-256
     * first, so neither the length nor the content of the password leaks through timing).
     *
     * @param user the user name, not empty
     * @param password the password, at least 8 characters
     * @return the authenticator
     * @throws IllegalArgumentException when the user is empty or the password shorter than 8 characters
     */
    static Authenticator password(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("the dashboard user name must not be empty");
        }
        if (password.length() < 8) {
            throw new IllegalArgumentException(
                    "the dashboard password must have at least 8 characters, got " + password.length());
        }
        byte[] u = sha256(user.toCharArray());
        byte[] p = sha256(password.toCharArray());
        return (givenUser, givenPassword) -> {
            // Both comparisons always run, so a wrong user takes as long as a wrong password.
            boolean userOk =
                    MessageDigest.isEqual(u, sha256(givenUser == null ? new char[0] : givenUser.toCharArray()));
            boolean passwordOk = MessageDigest.isEqual(p, sha256(givenPassword == null ? new char[0] : givenPassword));
            return userOk && passwordOk;
        };
    }

    private static byte[] sha256(char[] chars) {
        try {
            var bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            byte[] d = MessageDigest.getInstance("SHA-256").digest(b);
            java.util.Arrays.fill(b, (byte) 0);
            return d;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
