package io.concurrentkvs.core.internal.ring;

/** Operation codes carried in a request slot (see {@link RequestRingDescriptor#OPCODE_OFFSET}). */
public final class Opcodes {
    public static final int GET = 1;
    public static final int SET = 2;
    public static final int POST = 3;
    public static final int DEL = 4;

    private Opcodes() {}

    public static boolean isValid(int opcode) {
        return opcode >= GET && opcode <= DEL;
    }

    /** Whether requests with this opcode carry a value. */
    public static boolean carriesValue(int opcode) {
        return opcode == SET || opcode == POST;
    }

    public static String name(int opcode) {
        switch (opcode) {
            case GET:
                return "GET";
            case SET:
                return "SET";
            case POST:
                return "POST";
            case DEL:
                return "DEL";
            default:
                return "UNKNOWN(" + opcode + ")";
        }
    }
}
