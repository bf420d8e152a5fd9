package io.starling.auth.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingFileTest {

    /** Parses a file of one number; anything else is a syntax error. */
    private static Integer number(List<String> lines) {
        try {
            return Integer.valueOf(String.join("", lines));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("line 1: not a number");
        }
    }

    @Test
    void rereadsAChangedFileAndKeepsTheLastGoodValueWhenTheChangeIsBroken(@TempDir Path directory) throws Exception {
        Path path = directory.resolve("n");
        Files.writeString(path, "1");
        ReloadingFile<Integer> file = new ReloadingFile<>(path, ReloadingFileTest::number);
        assertEquals(1, file.value());

        Files.writeString(path, "22");
        assertEquals(1, file.value(), "value() never touches the file");
        assertEquals(22, file.refresh());

        Files.writeString(path, "broken");
        assertEquals(22, file.refresh());
        Files.delete(path);
        assertEquals(22, file.refresh());

        Files.writeString(path, "333");
        assertEquals(333, file.refresh());
    }

    @Test
    void aFileThatCannotBeReadAtStartIsAnError(@TempDir Path directory) throws Exception {
        assertThrows(
                IllegalArgumentException.class,
                () -> new ReloadingFile<>(directory.resolve("missing"), ReloadingFileTest::number));
        Path broken = Files.writeString(directory.resolve("broken"), "x");
        assertThrows(IllegalArgumentException.class, () -> new ReloadingFile<>(broken, ReloadingFileTest::number));
    }
}
