package io.starling.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.spi.NodeQuery;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PageTest {

    private static LinkedHashMap<String, Object> part(int wanted, String... keys) {
        Page page = new Page();
        for (String key : keys) {
            page.count(key, wanted, () -> "item " + key);
        }
        return page.toAnswer();
    }

    @Test
    void eachNodeSendsOnlyWhatThePageMayNeedAndCountsTheRest() {
        int wanted = Page.wanted(new NodeQuery("sessions", Map.of("offset", "1", "limit", "2")));
        assertEquals(3, wanted);
        LinkedHashMap<String, Object> part = part(wanted, "a", "c", "e", "g", "i");
        assertEquals(5L, part.get(Page.TOTAL));
        assertEquals(List.of("a", "c", "e"), part.get(Page.KEYS));
    }

    @Test
    void thePageIsCutFromTheMergedPartsInOrder() {
        LinkedHashMap<String, Object> merged =
                Page.merge(List.of(part(3, "a", "d", "e", "f"), part(3, "b", "c")), 1, 2);
        assertEquals(6L, merged.get(Page.TOTAL));
        assertEquals(List.of("item b", "item c"), merged.get(Page.ITEMS));
        assertEquals(List.of(), Page.merge(List.of(part(3, "a")), 5, 2).get(Page.ITEMS));
    }
}
