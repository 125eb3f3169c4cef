package io.accountlifecycle.service.certificate;

/** A purge certificate that does not verify; the message says why, for a person to read. */
public class InvalidCertificateException extends Exception {

    public InvalidCertificateException(String reason) {
        super(reason);
    }
}
