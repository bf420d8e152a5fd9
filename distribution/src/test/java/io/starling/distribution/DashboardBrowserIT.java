package io.starling.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.distribution.browser.HeadlessFirefox;
import io.starling.testing.ExternalTool;
import io.starling.testing.PahoClients;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in real browsers, each headless: Debian's chromium driven by chromedriver
 * through Selenium, and Debian's Firefox ESR driven through its Marionette protocol (Debian has
 * no geckodriver; see {@link HeadlessFirefox}), all installed by scripts/install-test-deps.sh,
 * nothing downloaded; against the distribution's three-node example cluster behind HAProxy.
 * In each browser it logs in, sees the overview update, sees a topic tree's rate, finds a
 * client connected through HAProxy, disconnects it and sees it gone, and publishes from the
 * dashboard's MQTT client to a subscriber. Chromium's screenshots are the ones in docs/DASHBOARD.md (Firefox's carry a
 * {@code -firefox} suffix): they go to {@code dashboard.screenshots} (default: the e2e work
 * directory).
 */
class DashboardBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path temp;

    private static AdminCluster admin;
    private static Path screenshots;
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeAll
    static void startCluster() throws Exception {
        screenshots = Path.of(System.getProperty(
                "dashboard.screenshots",
                Path.of(System.getProperty("distribution.work.dir"), "screenshots")
                        .toString()));
        Files.createDirectories(screenshots);
        admin = AdminCluster.start(temp, "dashboard-cluster-logs");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (admin != null) {
            admin.close();
        }
    }

    private static ChromeDriver chromium() {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(ExternalTool.require("chromedriver")))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(ExternalTool.require("chromium"));
        // No sandbox: CI containers run as root, where chromium's sandbox cannot start.
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=en");
        return new ChromeDriver(service, options);
    }

    private WebElement id(String id) {
        return browser.findElement(By.id(id));
    }

    private void screenshot(String name, String browserName) throws Exception {
        String file = browserName.equals("chromium") ? name + ".png" : name + "-" + browserName + ".png";
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), screenshots.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"chromium", "firefox"})
    void operatorLogsInWatchesDisconnectsAClientAndPublishesFromTheBrowser(String browserName) throws Exception {
        if (browserName.equals("chromium")) {
            browser = chromium();
            try {
                operatorSession(browserName);
            } finally {
                browser.quit();
            }
        } else {
            Path profile = Files.createDirectories(temp.resolve("firefox-profile"));
            Path log = Path.of(System.getProperty("distribution.work.dir"), "firefox.log");
            try (HeadlessFirefox firefox =
                    HeadlessFirefox.start(ExternalTool.require("firefox-esr"), profile, log, 1400, 1000)) {
                browser = firefox.driver();
                operatorSession(browserName);
            }
        }
    }

    private void operatorSession(String browserName) throws Exception {
        wait = new WebDriverWait(browser, WAIT);
        String viaHaproxy = "via-haproxy-" + browserName;
        browser.get(admin.baseUrl(0) + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-user")));
        id("login-user").sendKeys(AdminCluster.USER);
        id("login-password").sendKeys("not the password");
        id("login-submit").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("login-error"), "wrong user name or password"));
        id("login-password").clear();
        id("login-password").sendKeys(AdminCluster.PASSWORD);
        id("login-submit").click();

        // The overview shows the three nodes and updates by itself.
        wait.until(ExpectedConditions.textToBe(By.id("total-nodes"), "3 / 3"));
        String firstUpdate = id("updated").getText();
        wait.until(driver -> !id("updated").getText().equals(firstUpdate));

        try (PahoClients viaBalancer = PahoClients.connect(admin.cluster.balancerUrl(), viaHaproxy);
                PahoClients subscriber =
                        PahoClients.connect(admin.cluster.nodes.get(1).url(), "web-subscriber-" + browserName)) {
            subscriber.client().subscribe("web/test", 1);
            viaBalancer.client().subscribe("haproxy/#", 1);
            // A few updates with the clients connected and 60 messages after each, so that the
            // charts have lines to show; the rates of the overview follow.
            for (int i = 0; i < 4; i++) {
                String before = id("updated").getText();
                wait.until(driver -> !id("updated").getText().equals(before));
                for (int message = 0; message < 60; message++) {
                    viaBalancer.client().publish("haproxy/load", new byte[16], 0, false);
                }
            }
            wait.until(driver -> Integer.parseInt(id("total-connections").getText()) >= 2);
            wait.until(driver -> !id("total-in").getText().equals("0"));
            screenshot("dashboard-overview", browserName);

            // Topics: the page's first ask starts the counting (unless an ask of the last minute
            // did, as the other browser's run); messages published after it show.
            browser.get(admin.baseUrl(0) + "/dashboard/#topics");
            wait.until(ExpectedConditions.textMatches(
                    By.id("topics-status"), Pattern.compile("counting started|tree\\(s\\)")));
            for (int message = 0; message < 60; message++) {
                viaBalancer.client().publish("haproxy/load", new byte[16], 1, false);
            }
            wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.xpath("//table[@id='topics-table']//td[text()='haproxy/load']")));
            screenshot("dashboard-topics", browserName);

            // Clients: search, detail, disconnect.
            browser.get(admin.baseUrl(0) + "/dashboard/#clients");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("clients-q")));
            id("clients-q").sendKeys(viaHaproxy);
            browser.findElement(By.cssSelector("#clients-search button")).click();
            // The search's answer (the unfiltered list shows both clients): only the newest is shown.
            wait.until(ExpectedConditions.textToBe(By.id("clients-total"), "1-1 of 1"));
            By row = By.cssSelector("#clients-table tr[data-client-id='" + viaHaproxy + "']");
            // A click on the row's first cell, as a user's lands: Firefox's WebDriver cannot
            // scroll a table row itself into view to click it.
            wait.until(ExpectedConditions.visibilityOfElementLocated(row))
                    .findElement(By.cssSelector("td"))
                    .click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("client-detail"), "haproxy/#"));
            screenshot("dashboard-clients", browserName);
            browser.findElement(By.cssSelector("#client-detail button")).click();
            wait.until(ExpectedConditions.invisibilityOfElementLocated(row));
            awaitDisconnected(viaBalancer);

            // The MQTT client of the dashboard, over node 1's WebSocket listener, publishes to a
            // subscriber on node 2 and receives its own message.
            browser.get(admin.baseUrl(0) + "/dashboard/#mqtt");
            wait.until(ExpectedConditions.attributeContains(By.id("mqtt-url"), "value", "ws://"));
            assertTrue(id("mqtt-url").getAttribute("value").contains(":" + admin.websocketPorts[0] + "/mqtt"));
            id("mqtt-connect-button").click();
            wait.until(ExpectedConditions.textToBe(By.id("mqtt-state"), "connected"));
            id("mqtt-sub-topic").clear();
            id("mqtt-sub-topic").sendKeys("web/#");
            id("mqtt-subscribe-button").click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("mqtt-log"), "subscribed to web/#"));
            id("mqtt-pub-topic").clear();
            id("mqtt-pub-topic").sendKeys("web/test");
            id("mqtt-pub-payload").clear();
            id("mqtt-pub-payload").sendKeys("hello from " + browserName);
            id("mqtt-publish-button").click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("mqtt-log"), "(acknowledged)"));
            PahoClients.Received received = subscriber.next();
            assertEquals("web/test", received.topic());
            assertEquals("hello from " + browserName, received.text());
            wait.until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("#mqtt-log .mqtt-message"), "hello from " + browserName));
            screenshot("dashboard-mqtt", browserName);
        }
    }

    private static void awaitDisconnected(PahoClients client) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (client.client().isConnected() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        assertFalse(client.client().isConnected(), "the client connected through HAProxy was disconnected");
    }
}
