package org.agreementledger.contract;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Random;
import java.util.UUID;

/**
 * Random (version 4) UUIDs, and the random bits of {@link TimeOrderedIds}, from a generator of the calling thread's
 * own: a DRBG (NIST SP 800-90A) seeded once per thread. {@link UUID#randomUUID()} and every default
 * {@code SecureRandom} on Linux share one lock in the JDK's NativePRNG; with a command's several ids (its own, its
 * messages', then also its correlation id) drawn by every request thread, requests queued on that lock for up to
 * 90 ms under load, and on the time-ordered generator's lock held meanwhile (docs/benchmarks.md, run Z11).
 */
public final class RandomIds {

    private static final ThreadLocal<SecureRandom> OWN = ThreadLocal.withInitial(RandomIds::drbg);

    /** The random source of this thread, as a {@link Random} for generators that take one. */
    static final Random SOURCE = new Random() {
        @Override
        public void nextBytes(byte[] bytes) {
            OWN.get().nextBytes(bytes);
        }

        @Override
        protected int next(int bits) {
            return OWN.get().nextInt() >>> (32 - bits);
        }
    };

    private RandomIds() {
    }

    public static UUID next() {
        byte[] bytes = new byte[16];
        OWN.get().nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // IETF variant
        ByteBuffer halves = ByteBuffer.wrap(bytes);
        return new UUID(halves.getLong(), halves.getLong());
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no DRBG SecureRandom", e);
        }
    }
}
