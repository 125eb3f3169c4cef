package io.accountlifecycle.service.console;

import jakarta.servlet.http.HttpServletResponse;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * What a console page shows when something escapes its controller: a page, never the API's problem document (the
 * API's advice applies to every controller, so this one goes first for the console's). Unknown accounts are a 404;
 * statuses the services chose are kept; anything else is a 500 that says nothing of its cause (logged).
 */
@ControllerAdvice(basePackageClasses = ConsoleErrors.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleErrors {

    private static final Logger log = LoggerFactory.getLogger(ConsoleErrors.class);

    @ExceptionHandler(AggregateNotFoundException.class)
    String notFound(AggregateNotFoundException e, Model model, HttpServletResponse response) {
        return page(HttpStatus.NOT_FOUND, e.getMessage(), model, response);
    }

    @ExceptionHandler(RuntimeException.class)
    String failed(RuntimeException e, Model model, HttpServletResponse response) {
        if (e instanceof ErrorResponse known) {
            return page(HttpStatus.valueOf(known.getStatusCode().value()), ConsoleModel.describe(e), model, response);
        }
        log.error("A console page failed", e);
        return page(HttpStatus.INTERNAL_SERVER_ERROR, "Something went wrong; nothing about it is shown here, and it "
                                                      + "was logged.", model, response);
    }

    private static String page(HttpStatus status, String message, Model model, HttpServletResponse response) {
        response.setStatus(status.value());
        model.addAttribute("status", status.value());
        model.addAttribute("message", message);
        return "failed";
    }
}
