package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PemKeysTest {
    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @Test
    void readsPkcs8RsaAndEcKeys() throws Exception {
        for (String alg : new String[] {"RSA", "EC"}) {
            KeyPair kp = KeyPairGenerator.getInstance(alg).generateKeyPair();
            assertArrayEquals(kp.getPrivate().getEncoded(),
                    PemKeys.privateKey("junk before\n" + pem("PRIVATE KEY", kp.getPrivate().getEncoded())).getEncoded());
        }
    }

    @Test
    void readsPkcs1RsaKeysByWrappingThemInPkcs8() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        byte[] pkcs8 = g.generateKeyPair().getPrivate().getEncoded();
        // The PKCS#1 key is the OCTET STRING at the end of the PKCS#8 structure: 26 header bytes for a 2048-bit key.
        byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
        assertEquals(0x30, pkcs1[0] & 0xff);
        assertArrayEquals(pkcs8, PemKeys.wrapPkcs1(pkcs1));
        assertArrayEquals(pkcs8, PemKeys.privateKey(pem("RSA PRIVATE KEY", pkcs1)).getEncoded());
    }

    @Test
    void explainsWhatItCannotRead() {
        GeneralSecurityException ec = assertThrows(GeneralSecurityException.class,
                () -> PemKeys.privateKey(pem("EC PRIVATE KEY", new byte[] {1})));
        assertTrue(ec.getMessage().contains("openssl pkcs8 -topk8"));
        assertThrows(GeneralSecurityException.class, () -> PemKeys.privateKey("no pem here"));
        assertThrows(GeneralSecurityException.class, () -> PemKeys.certificates(""));
    }
}
