package io.accountlifecycle.service.console;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's headless Chromium driven through its chromedriver (README prerequisites; {@code .ci/run} installs both),
 * with axe-core (a WebJar) for accessibility checks and screenshots for the README.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("console.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("console.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final String AXE = axeSource();

    private final ChromeDriver driver;
    private final String base;

    Browser(String base) {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("the console's browser tests need Debian's chromium and chromium-driver (apt-get install -y "
                    + "chromium chromium-driver; .ci/run installs them): " + CHROMIUM + ", " + CHROMEDRIVER)
                .isTrue();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                             "--window-size=1366,768", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                                                                       .usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        this.driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        this.base = base;
    }

    WebDriver driver() {
        return driver;
    }

    void open(String path) {
        driver.get(base + path);
    }

    String path() {
        return java.net.URI.create(driver.getCurrentUrl()).getPath();
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    String text(String css) {
        return find(css).getText();
    }

    void fill(String css, String value) {
        WebElement input = find(css);
        input.clear();
        input.sendKeys(value);
    }

    void click(String css) {
        find(css).click();
    }

    /** Clicks what submits a form or follows a link, and waits for the next page to have loaded. */
    void submit(String css) {
        navigating(() -> find(css).click());
    }

    /** Runs {@code action}, which leaves the page, and waits until the next page has replaced it. */
    void navigating(Runnable action) {
        WebElement page = find("html");
        action.run();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> gone(page));
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> "complete".equals(
                ((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    /**
     * Whether {@code element}'s page has been replaced. Selenium's {@code stalenessOf} knows only its own "stale
     * element" answer; in the middle of a navigation Chrome may instead answer that the node "does not belong to the
     * document" (seen once in CI, with chromedriver 150), which says the same.
     */
    private static boolean gone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException e) {
            return true;
        } catch (WebDriverException e) {
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    /** Signs in through the console's issuer as {@code name}: the sign-in form, then back to the console. */
    void signIn(String name, String password) {
        open("/console");
        assertThat(path()).as(() -> "an anonymous visit is sent to the issuer's sign-in: " + driver.getPageSource())
                          .isEqualTo("/signin");
        fill("#username", name);
        fill("#password", password);
        navigating(() -> find("#password").submit());
        assertThat(path()).isEqualTo("/console");
        assertThat(text("#signed-in-as")).isEqualTo(name);
    }

    void signOut() {
        submit("form.signout button");
        assertThat(path()).isEqualTo("/console/signed-out");
    }

    /** Presses Tab until the element with {@code id} has the focus (at most 80 times). */
    void tabTo(String id) {
        for (int i = 0; i < 80; i++) {
            driver.switchTo().activeElement().sendKeys(Keys.TAB);
            if (id.equals(driver.switchTo().activeElement().getAttribute("id"))) {
                return;
            }
        }
        throw new AssertionError("Tab never reached #" + id + " on " + driver.getCurrentUrl());
    }

    /** Types into the focused element. */
    void type(CharSequence... keys) {
        driver.switchTo().activeElement().sendKeys(keys);
    }

    /** Types into the focused element what ends in leaving the page (an Enter on a link, a button, a field). */
    void typeAndLoad(CharSequence... keys) {
        navigating(() -> type(keys));
    }

    /** Runs {@code script} in the page; {@code arguments[0]} is the callback of an asynchronous script. */
    Object async(String script, Object... arguments) {
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
    }

    /**
     * axe-core's serious and critical violations on the current page (WCAG 2.x A and AA rules and best practices),
     * as "rule: help (nodes)" lines.
     */
    @SuppressWarnings("unchecked")
    List<String> seriousAccessibilityViolations() {
        ((JavascriptExecutor) driver).executeScript(AXE);
        Object result = async("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ['violations']})
                   .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                                    .map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')).join(', ') + ')')))
                   .catch(e => done(['axe failed: ' + e]));""");
        return (List<String>) result;
    }

    /** A screenshot of the current page at 1366×768 and 768×1024, under target/console-screenshots. */
    void screenshots(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            for (Map.Entry<String, Dimension> size : Map.of("1366x768", new Dimension(1366, 768),
                                                            "768x1024", new Dimension(768, 1024)).entrySet()) {
                driver.manage().window().setSize(size.getValue());
                byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
                Files.write(SCREENSHOTS.resolve(name + "-" + size.getKey() + ".png"), png);
            }
            driver.manage().window().setSize(new Dimension(1366, 768));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A POST from the page's own JavaScript, with or without the page's CSRF token: the answer's status and text. */
    @SuppressWarnings("unchecked")
    Map<String, Object> postFromPage(String path, boolean withCsrf, String reason) {
        return (Map<String, Object>) async("""
                const done = arguments[arguments.length - 1];
                const body = new URLSearchParams({reason: arguments[2]});
                if (arguments[1]) { body.append('_csrf', document.querySelector('input[name=_csrf]').value); }
                fetch(arguments[0], {method: 'POST', body: body, redirect: 'manual'})
                  .then(r => r.text().then(t => done({status: r.status, text: t})))
                  .catch(e => done({status: -1, text: String(e)}));""", path, withCsrf, reason);
    }

    /** A request without a body from the page's own JavaScript (its session goes with it): the answer's status. */
    int requestFromPage(String method, String path) {
        return ((Number) async("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[1], {method: arguments[0], redirect: 'manual'}).then(r => done(r.status))
                  .catch(e => done(-1));""", method, path)).intValue();
    }

    /** A GET from the page's own JavaScript (the session's cookie goes with it): the answer's status and text. */
    @SuppressWarnings("unchecked")
    Map<String, Object> getFromPage(String path) {
        return (Map<String, Object>) async("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0]).then(r => r.text().then(t => done({status: r.status, text: t,
                    type: r.headers.get('Content-Type') || ''})))
                  .catch(e => done({status: -1, text: String(e), type: ''}));""", path);
    }

    private static String axeSource() {
        try (InputStream in = Browser.class.getResourceAsStream("/META-INF/resources/webjars/axe-core/"
                                                                 + axeVersion() + "/axe.min.js")) {
            if (in == null) {
                throw new IllegalStateException("axe-core's WebJar is not on the test class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String axeVersion() {
        try (InputStream in = Browser.class.getResourceAsStream(
                "/META-INF/maven/org.webjars.npm/axe-core/pom.properties")) {
            java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("Cannot tell axe-core's WebJar version", e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
