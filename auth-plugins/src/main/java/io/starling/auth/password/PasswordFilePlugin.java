package io.starling.auth.password;

import com.typesafe.config.Config;
import io.starling.auth.config.KnownKeys;
import io.starling.auth.file.ReloadingFile;
import io.starling.spi.AuthPluginProvider;
import io.starling.spi.Authenticator;
import java.util.Optional;

/** The built-in {@code password-file} plugin; configured from {@code starling.auth.password-file}. */
public final class PasswordFilePlugin implements AuthPluginProvider {

    public static final String ID = "password-file";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Optional<Authenticator> authenticator(Config pluginConfig) {
        KnownKeys.check(ID, pluginConfig);
        return Optional.of(new PasswordFileAuthenticator(
                ReloadingFile.configured(ID, pluginConfig, PasswordFile::parse), pluginConfig.getBoolean("cache")));
    }
}
