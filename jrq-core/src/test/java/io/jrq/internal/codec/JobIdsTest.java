package io.jrq.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobIdsTest {
    @Test
    void idsAreSixteenBase62CharactersAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        int[] perChar = new int[128];
        for (int i = 0; i < 200_000; i++) {
            String id = JobIds.next();
            assertThat(id).hasSize(16).matches("[0-9A-Za-z]{16}");
            assertThat(seen.add(id)).as("id %s repeated", id).isTrue();
            id.chars().forEach(c -> perChar[c]++);
        }
        // Every one of the 62 characters shows up, each near its share (3.2M characters, ~51,600 each).
        for (char c : "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray()) {
            assertThat(perChar[c]).as("count of %s", c).isBetween(45_000, 58_000);
        }
    }
}
