package io.starling.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SharedFilterTest {

    @Test
    void groupAndFilterAreSplitAtTheFirstSlashAfterTheGroup() {
        assertEquals(new SharedFilter("$share/g/a/+/#", "g", "a/+/#"), SharedFilter.parse("$share/g/a/+/#"));
        assertEquals("/a", SharedFilter.parse("$share/g//a").filter(), "a filter may start with a slash");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"$share/", "$share/g", "$share//a", "$share/g+/a", "$share/#/a", "$share/g/", "$share/g/a#"})
    void invalidSharedNames(String name) {
        assertNull(SharedFilter.parse(name));
    }

    @Test
    void anOrdinaryFilterIsNotShared() {
        assertNull(SharedFilter.parse("share/g/a"));
    }
}
