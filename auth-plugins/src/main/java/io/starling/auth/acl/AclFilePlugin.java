package io.starling.auth.acl;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.starling.auth.config.KnownKeys;
import io.starling.auth.file.ReloadingFile;
import io.starling.concurrent.DaemonThreads;
import io.starling.spi.AuthPluginProvider;
import io.starling.spi.Authorizer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The built-in {@code acl-file} plugin; configured from {@code starling.auth.acl-file}. The
 * file is checked for changes every {@code reload-interval} on one background thread, never
 * on a network thread.
 */
public final class AclFilePlugin implements AuthPluginProvider {

    public static final String ID = "acl-file";

    /** One daemon thread checks every ACL file of the JVM; checking is a stat call, re-reading is rare. */
    private static final ScheduledExecutorService RELOADER =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("starling-acl-reload"));

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Optional<Authorizer> authorizer(Config pluginConfig) {
        KnownKeys.check(ID, pluginConfig);
        Duration interval = pluginConfig.getDuration("reload-interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new ConfigException.BadValue(
                    "starling.auth." + ID + ".reload-interval", "must be a positive duration");
        }
        ReloadingFile<AclRules> rules = ReloadingFile.configured(ID, pluginConfig, AclFile::parse);
        ScheduledFuture<?> reloading = RELOADER.scheduleWithFixedDelay(
                rules::refresh, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return Optional.of(new AclAuthorizer(rules, reloading));
    }
}
