package org.amct.api.graph;

/** Conversions between float and the 16-bit float formats (IEEE half and bfloat16). */
final class HalfFloats {
    private HalfFloats() {}

    /** IEEE half bits to float, exact. */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // Subnormal half: mant * 2^-24, exactly representable as a float.
            float value = mant * 0x1p-24f;
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Float to IEEE half bits, rounding to nearest even; values too large become infinity. */
    static short floatToHalf(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int exp = (f >>> 23) & 0xff;
        int mant = f & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        int halfExp = exp - 112;
        if (halfExp >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (halfExp <= 0) {
            if (halfExp < -10) {
                return (short) sign;
            }
            int full = mant | 0x800000;
            int shift = 14 - halfExp;
            int halfMant = full >>> shift;
            int rest = full & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rest > halfway || (rest == halfway && (halfMant & 1) != 0)) {
                halfMant++;
            }
            return (short) (sign | halfMant);
        }
        int bits = (halfExp << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (bits & 1) != 0)) {
            bits++; // may carry into the exponent, which is the correct rounding
        }
        return (short) (sign | bits);
    }

    /** bfloat16 bits to float, exact. */
    static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** Float to bfloat16 bits, rounding to nearest even; NaN stays NaN. */
    static short floatToBfloat16(float value) {
        int f = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((f >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((f >>> 16) & 1);
        return (short) ((f + rounding) >>> 16);
    }
}
