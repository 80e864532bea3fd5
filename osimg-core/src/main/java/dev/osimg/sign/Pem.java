package dev.osimg.sign;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM blocks (RFC 7468): the type label, any {@code Name: value} headers, and the DER bytes. */
record Pem(String type, List<String> headers, byte[] der) {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);

    /** The first PEM block of {@code text}; {@code what} names the source in errors. */
    static Pem parse(byte[] text, String what) throws KeyFormatException {
        Matcher m = BLOCK.matcher(new String(text, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new KeyFormatException(what + " is not a PEM file (no -----BEGIN ...----- / -----END ...----- block)");
        }
        List<String> headers = new ArrayList<>();
        StringBuilder base64 = new StringBuilder();
        for (String line : m.group(2).split("\\r?\\n")) {
            if (line.contains(":")) {
                headers.add(line.trim());
            } else {
                base64.append(line.trim());
            }
        }
        try {
            return new Pem(m.group(1), List.copyOf(headers), Base64.getDecoder().decode(base64.toString()));
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException(what + ": the " + m.group(1) + " block is not valid base64");
        }
    }

    /** The block as text, base64 in lines of 64 characters as openssl writes it. */
    static String encode(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
