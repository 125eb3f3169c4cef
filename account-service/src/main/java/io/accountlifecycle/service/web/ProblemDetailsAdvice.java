package io.accountlifecycle.service.web;

import io.accountlifecycle.projections.support.InvalidQueryException;
import io.accountlifecycle.service.account.AccountAlreadyExistsException;
import io.accountlifecycle.service.account.AccountPurgedException;
import io.accountlifecycle.service.account.AccountQuarantinedException;
import io.accountlifecycle.service.account.AccountRuleViolationException;
import io.accountlifecycle.service.account.DeletionConflictException;
import io.accountlifecycle.service.account.SelfApprovalException;
import io.accountlifecycle.service.deletion.DeletionBreakerOpenException;
import io.accountlifecycle.service.deletion.InvalidCriteriaException;
import io.accountlifecycle.service.deletion.StalePreviewException;
import io.accountlifecycle.service.eventstore.DatabaseUnavailable;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every error a caller can cause, as RFC 7807 problem details with a reason a person can act on; field errors are
 * listed under {@code errors}, field name to message.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler(AccountRuleViolationException.class)
    ProblemDetail ruleViolation(AccountRuleViolationException e) {
        return invalid("The account's fields break its rules", e.violations());
    }

    @ExceptionHandler(AggregateNotFoundException.class)
    ProblemDetail notFound(AggregateNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Account not found",
                       e.getMessage() != null && e.getMessage().startsWith("No account")
                       ? e.getMessage() : "No account " + e.getAggregateIdentifier());
    }

    @ExceptionHandler(AccountAlreadyExistsException.class)
    ProblemDetail alreadyExists(AccountAlreadyExistsException e) {
        return problem(HttpStatus.CONFLICT, "Account already exists",
                       e.getMessage() + "; account ids are never reused: choose a new one.");
    }

    @ExceptionHandler(AccountQuarantinedException.class)
    ProblemDetail quarantined(AccountQuarantinedException e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "Account quarantined", e.getMessage());
        problem.setProperty("purgeDueAt", e.purgeDueAt());
        return problem;
    }

    @ExceptionHandler(AccountPurgedException.class)
    ProblemDetail purged(AccountPurgedException e) {
        return problem(HttpStatus.GONE, "Account purged", e.getMessage());
    }

    @ExceptionHandler(DeletionConflictException.class)
    ProblemDetail deletionConflict(DeletionConflictException e) {
        return problem(HttpStatus.CONFLICT, "Deletion conflict", e.getMessage());
    }

    @ExceptionHandler(ConcurrencyException.class)
    ProblemDetail concurrentChange(ConcurrencyException e) {
        return problem(HttpStatus.CONFLICT, "Concurrent change",
                       "Another change to this account was stored at the same moment; read it again and retry.");
    }

    @ExceptionHandler(DeletionBreakerOpenException.class)
    ResponseEntity<ProblemDetail> breakerOpen(DeletionBreakerOpenException e) {
        // Open until an admin resets it: ask for a retry in a minute rather than at once.
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "60")
                             .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "The deletion breaker is open",
                                           e.getMessage()));
    }

    @ExceptionHandler(StalePreviewException.class)
    ProblemDetail stalePreview(StalePreviewException e) {
        return problem(HttpStatus.CONFLICT, "The preview cannot be executed", e.getMessage());
    }

    @ExceptionHandler(SelfApprovalException.class)
    ProblemDetail selfApproval(SelfApprovalException e) {
        return problem(HttpStatus.FORBIDDEN, "A second admin must decide", e.getMessage());
    }

    @ExceptionHandler(InvalidCriteriaException.class)
    ProblemDetail invalidCriteria(InvalidCriteriaException e) {
        return invalid("Invalid deletion criteria", Map.of("criteria", e.getMessage()));
    }

    @ExceptionHandler(InvalidQueryException.class)
    ProblemDetail invalidQuery(InvalidQueryException e) {
        return invalid("Invalid request parameters", Map.of(e.parameter(), e.getMessage()));
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ProblemDetail constraintViolation(ConstraintViolationException e) {
        Map<String, String> errors = new LinkedHashMap<>();
        e.getConstraintViolations().forEach(v -> {
            String path = v.getPropertyPath().toString();
            errors.put(path.substring(path.lastIndexOf('.') + 1), v.getMessage());
        });
        return invalid("Invalid request parameters", errors);
    }

    /**
     * Anything else is a 500 problem document that discloses nothing but the status (the cause is logged). Refusals
     * that Spring Security answers (401, 403) and a lost database ({@link DatabaseUnavailableFilter}'s 503) pass on.
     */
    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e, HttpServletRequest request) throws Exception {
        if (e instanceof AccessDeniedException || e instanceof AuthenticationException
            || DatabaseUnavailable.causedBy(e)) {
            throw e;
        }
        log.error("{} {} failed unexpectedly", request.getMethod(), request.getRequestURI(), e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                       "The request failed unexpectedly; its cause is in the service's log.");
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (FieldError error : ex.getBindingResult().getFieldErrors()) {
            errors.putIfAbsent(error.getField(), error.getDefaultMessage());
        }
        return ResponseEntity.badRequest().body(invalid("Invalid request body", errors));
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
                                                                            HttpHeaders headers,
                                                                            HttpStatusCode status,
                                                                            WebRequest request) {
        Map<String, String> errors = new LinkedHashMap<>();
        ex.getParameterValidationResults().forEach(result -> result.getResolvableErrors().forEach(
                error -> errors.putIfAbsent(result.getMethodParameter().getParameterName(),
                                            error.getDefaultMessage())));
        return ResponseEntity.badRequest().body(invalid("Invalid request parameters", errors));
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
                                                        HttpStatusCode status, WebRequest request) {
        String name = ex instanceof MethodArgumentTypeMismatchException m ? m.getName() : ex.getPropertyName();
        String expected = ex.getRequiredType() == null ? "a valid value" : describe(ex.getRequiredType());
        return ResponseEntity.badRequest().body(
                invalid("Invalid request parameters", Map.of(String.valueOf(name), "must be " + expected)));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        for (Throwable c = ex; c != null; c = c.getCause()) {
            if (c instanceof RequestSizeLimitFilter.BodyTooLargeException tooLarge) {
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                                     .body(problem(HttpStatus.CONTENT_TOO_LARGE, "Request body too large",
                                                   tooLarge.getMessage()));
            }
        }
        Throwable cause = ex.getMostSpecificCause();
        if (cause instanceof DatabindException databind && !databind.getPath().isEmpty()) {
            String field = databind.getPath().stream()
                                   .map(ref -> ref.getPropertyName() != null
                                               ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                                   .collect(Collectors.joining("."));
            String message;
            if (databind instanceof UnrecognizedPropertyException) {
                message = "is not a known field";
            } else if (databind instanceof InvalidFormatException invalid) {
                message = "must be " + describe(invalid.getTargetType());
            } else {
                message = "has the wrong type or shape";
            }
            return ResponseEntity.badRequest().body(invalid("Malformed request body", Map.of(field, message)));
        }
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Malformed request body",
                                        "The body is missing or is not valid JSON for this request.");
        return ResponseEntity.badRequest().body(problem);
    }

    private static String describe(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString)
                                     .collect(Collectors.joining(", "));
        }
        return switch (type.getSimpleName()) {
            case "UUID" -> "a UUID like 3f1c2a9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b";
            case "Instant" -> "an ISO-8601 instant like 2026-11-23T10:15:30Z";
            case "LocalDate" -> "an ISO-8601 date like 2026-11-23";
            case "int", "Integer", "long", "Long" -> "a whole number";
            case "boolean", "Boolean" -> "true or false";
            default -> "a valid " + type.getSimpleName();
        };
    }

    private static ProblemDetail invalid(String title, Map<String, String> errors) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, title,
                                        errors.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                                              .collect(Collectors.joining("; ")));
        problem.setProperty("errors", errors);
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
