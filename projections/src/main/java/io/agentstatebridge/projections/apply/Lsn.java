package io.agentstatebridge.projections.apply;

/** PostgreSQL WAL positions: a 64-bit number written as two hexadecimal halves, "16/B374D848". */
public final class Lsn {
    private Lsn() {
    }

    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
