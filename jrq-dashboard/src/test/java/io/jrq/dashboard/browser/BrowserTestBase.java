package io.jrq.dashboard.browser;

import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * One Chromium and one {@link LiveDashboard} per test class, on the test kit's Redis; each test
 * starts without cookies, so without a session.
 */
@ExtendWith(RedisExtension.class)
abstract class BrowserTestBase {
    static Chromium browser;
    static LiveDashboard dash;

    @BeforeAll
    static void startBrowserAndDashboard(RedisServer redis) {
        browser = Chromium.start();
        dash = LiveDashboard.start(redis);
    }

    @AfterAll
    static void stopBrowserAndDashboard() {
        if (dash != null) {
            dash.close();
            dash = null;
        }
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    @BeforeEach
    void withoutSession() {
        driver().executeCdpCommand("Network.clearBrowserCookies", Map.of());
    }

    static ChromeDriver driver() {
        return browser.driver();
    }
}
