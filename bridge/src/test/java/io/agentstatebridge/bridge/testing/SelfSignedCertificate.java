package io.agentstatebridge.bridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed RSA server certificate for localhost and 127.0.0.1, made with the JDK's own
 * keytool (no OpenSSL needed), as the PEM files PostgreSQL and the driver read: the certificate,
 * which clients also trust as its own authority, and the PKCS#8 private key, readable only by the
 * owner (PostgreSQL refuses a key others may read; the server runs as this JVM's user).
 */
public record SelfSignedCertificate(Path certificate, Path privateKey) {
    private static final String ALIAS = "server";

    /** Creates {@code name}.crt and {@code name}.key in {@code directory}. */
    public static SelfSignedCertificate create(Path directory, String name) throws IOException, GeneralSecurityException {
        Path keyStore = directory.resolve(name + ".p12");
        // Only protects the intermediate key store, which is deleted below.
        String storePassword = "keystore-" + ProcessHandle.current().pid();
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        run(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "7", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", storePassword, "-keypass", storePassword, "-noprompt"));

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, storePassword.toCharArray());
        }
        X509Certificate certificate = (X509Certificate) store.getCertificate(ALIAS);
        PrivateKey key = (PrivateKey) store.getKey(ALIAS, storePassword.toCharArray());
        Files.delete(keyStore);

        Path certificateFile = directory.resolve(name + ".crt");
        Files.writeString(certificateFile, pem("CERTIFICATE", certificate.getEncoded()));
        Path keyFile = directory.resolve(name + ".key");
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        // A JDK RSA private key encodes as PKCS#8, which "BEGIN PRIVATE KEY" announces.
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        return new SelfSignedCertificate(certificateFile, keyFile);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // until it exits
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool failed (exit " + process.exitValue() + "): " + output);
        }
    }
}
