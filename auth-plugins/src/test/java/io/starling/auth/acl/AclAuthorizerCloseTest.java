package io.starling.auth.acl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.starling.auth.file.ReloadingFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ACL file's background reloading ends when the broker closes the authorizer. */
class AclAuthorizerCloseTest {

    @Test
    void closingStopsTheReloading(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("acl"), "topic read public/#\n");
        ReloadingFile<AclRules> rules = ReloadingFile.configured(
                AclFilePlugin.ID,
                ConfigFactory.parseMap(Map.of("file", file.toString(), "reload-interval", "1s")),
                AclFile::parse);
        CompletableFuture<Void> reloading = new CompletableFuture<>();

        new AclAuthorizer(rules, reloading).close();

        assertTrue(reloading.isCancelled());
    }
}
