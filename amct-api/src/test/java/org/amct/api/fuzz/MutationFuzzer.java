package org.amct.api.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded mutations of a valid file: bit flips, byte overwrites, truncation, splices of one part of
 * the file into another, and changes to the digits of numbers (which hit sizes, offsets and counts
 * in text and binary headers alike). The same seed gives the same mutant.
 */
public final class MutationFuzzer {
    private MutationFuzzer() {}

    /** The mutant for one case: 1 to 4 mutations of {@code valid}, drawn from {@code seed}. */
    public static byte[] mutate(byte[] valid, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = valid.clone();
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count && data.length > 0; i++) {
            data = mutateOnce(data, random);
        }
        return data;
    }

    private static byte[] mutateOnce(byte[] data, SplittableRandom random) {
        switch (random.nextInt(6)) {
            case 0 -> data[random.nextInt(data.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> data[random.nextInt(data.length)] = (byte) random.nextInt(256);
            case 2 -> {
                return Arrays.copyOf(data, random.nextInt(data.length));
            }
            case 3 -> {
                return splice(data, random);
            }
            case 4 -> changeNumber(data, random);
            default -> overwriteLittleEndianLong(data, random);
        }
        return data;
    }

    private static byte[] splice(byte[] data, SplittableRandom random) {
        int from = random.nextInt(data.length);
        int length = random.nextInt(Math.min(64, data.length - from) + 1);
        int to = random.nextInt(data.length);
        byte[] out = new byte[data.length + length];
        System.arraycopy(data, 0, out, 0, to);
        System.arraycopy(data, from, out, to, length);
        System.arraycopy(data, to, out, to + length, data.length - to);
        return out;
    }

    /** Rewrites a run of ASCII digits as another number, often huge or zero. */
    private static void changeNumber(byte[] data, SplittableRandom random) {
        int start = random.nextInt(data.length);
        while (start < data.length && (data[start] < '0' || data[start] > '9')) {
            start++;
        }
        if (start == data.length) {
            return;
        }
        int end = start;
        while (end < data.length && data[end] >= '0' && data[end] <= '9') {
            end++;
        }
        String[] choices = {"0", "1", "9", "99999999999999999999", "4294967296", "2147483647"};
        byte[] digits =
                choices[random.nextInt(choices.length)].getBytes(
                        java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = start; i < end; i++) {
            data[i] = digits[(i - start) % digits.length];
        }
    }

    /** Writes a large little-endian value (a length or offset in a binary header). */
    private static void overwriteLittleEndianLong(byte[] data, SplittableRandom random) {
        if (data.length < 8) {
            return;
        }
        int at = random.nextInt(data.length - 7);
        long value =
                random.nextBoolean()
                        ? Long.MAX_VALUE >>> random.nextInt(40)
                        : -random.nextInt(1000);
        for (int i = 0; i < 8; i++) {
            data[at + i] = (byte) (value >>> (8 * i));
        }
    }
}
