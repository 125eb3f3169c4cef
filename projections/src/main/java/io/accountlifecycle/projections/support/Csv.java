package io.accountlifecycle.projections.support;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * CSV as RFC 4180 writes it, safe to open in a spreadsheet: records end in CRLF, fields are separated by commas, and
 * every value is quoted with its double quotes doubled (a comma, quote or line break inside stays inside). A value
 * that a spreadsheet would take for a formula — one that begins with {@code =}, {@code +}, {@code -}, {@code @}, a
 * tab or a carriage return, as OWASP's "CSV Injection" lists them — gets a single quote {@code '} before it, so that
 * an actor or a reason an attacker chose is shown as text, never run. A missing value (null) is an empty, unquoted
 * field, so that it stays apart from an empty text ({@code ""}).
 */
public final class Csv {

    /** The end of every record, the header's too. */
    public static final String RECORD_END = "\r\n";

    private Csv() {
    }

    /** One record of these fields, with its end. */
    public static String record(String... fields) {
        return Arrays.stream(fields).map(Csv::field).collect(Collectors.joining(",", "", RECORD_END));
    }

    /** One field: empty for null, else the value, made inert if a spreadsheet would run it, quoted. */
    public static String field(String value) {
        if (value == null) {
            return "";
        }
        String text = startsLikeAFormula(value) ? "'" + value : value;
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    static boolean startsLikeAFormula(String value) {
        if (value.isEmpty()) {
            return false;
        }
        return switch (value.charAt(0)) {
            case '=', '+', '-', '@', '\t', '\r' -> true;
            default -> false;
        };
    }
}
