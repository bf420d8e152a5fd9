package io.starling.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNestedValuesAndEscapesWhatCouldBreakOutOfAStringOrAScript() {
        LinkedHashMap<String, Object> value = new LinkedHashMap<>();
        value.put("topic", "a\"b\\c\n</script>\u0001");
        value.put("list", List.of(1, 2.5, true));
        value.put("none", null);
        assertEquals(
                "{\"topic\":\"a\\\"b\\\\c\\n\\u003c/script\\u003e\\u0001\",\"list\":[1,2.5,true],\"none\":null}",
                Json.write(value));
        assertEquals("{}", Json.write(Map.of()));
        assertEquals("[]", Json.write(new ArrayList<>()));
    }

    @Test
    void refusesWhatIsNotJson() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }
}
