package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.core.SSLConfig;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS client configuration from PEM strings held in memory (a Jenkins credential), so keys never have to be written
 * to the controller's disk. The server must present a certificate signed by the given CA.
 */
final class PemSslConfig implements SSLConfig {
    /**
     * The in-memory key store needs a password of some kind; it never leaves this object, so it is random rather than
     * a constant someone could mistake for a secret.
     */
    private final char[] keyStorePassword = randomPassword();
    private final DockerHost.TlsMaterial tls;

    PemSslConfig(DockerHost.TlsMaterial tls) {
        this.tls = tls;
    }

    @Override
    public SSLContext getSSLContext() throws KeyStoreException {
        try {
            PrivateKey key = PemKeys.privateKey(tls.clientKeyPem());
            List<Certificate> chain = PemKeys.certificates(tls.clientCertPem());
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", key, keyStorePassword, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, keyStorePassword);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate ca : PemKeys.certificates(tls.caCertPem())) {
                trust.setCertificateEntry("ca-" + i++, ca);
            }
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (java.io.IOException | GeneralSecurityException e) {
            // The transport's interface admits only a few exception types; keep the cause.
            throw new KeyStoreException("cannot use the TLS PEM material: " + e.getMessage(), e);
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private static char[] randomPassword() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return java.util.HexFormat.of().formatHex(b).toCharArray();
    }
}
