package io.accountlifecycle.service.security;

/**
 * The firewall's rule for header names and values, as Spring Security's {@code StrictHttpFirewall} states it by
 * default (every code point assigned, none a control character: the pattern
 * {@code [\p{IsAssigned}&&[^\p{IsControl}]]*}), checked without a regular expression. Run on every header of every
 * request, the pattern cost a tenth of the request threads' CPU in the HTTP benchmark: a bearer token is several
 * hundred characters, and the regex engine tests each against a composed character class.
 */
final class HeaderValues {

    private HeaderValues() {
    }

    static boolean allowed(String value) {
        for (int i = 0; i < value.length(); ) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                i++; // printable ASCII, most of every header
                continue;
            }
            int codePoint = value.codePointAt(i);
            int type = Character.getType(codePoint);
            if (type == Character.UNASSIGNED || type == Character.CONTROL) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }
}
