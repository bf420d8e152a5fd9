package io.starling.auth.acl;

import io.starling.auth.file.ReloadingFile;
import io.starling.spi.Authorizer;
import io.starling.spi.ClientIdentity;
import java.util.concurrent.Future;

/**
 * Grants publishing by the ACL's write rules and subscribing by its read rules: a
 * subscription is allowed when a read rule's filter covers the whole subscribed filter.
 * It runs on the network threads for every PUBLISH, so it only reads the rules held in
 * memory; {@link AclFilePlugin} has them re-read in the background when the file changes.
 */
final class AclAuthorizer implements Authorizer {

    private final ReloadingFile<AclRules> rules;
    private final Future<?> reloading;

    /** {@code reloading} re-reads the file in the background; it ends with this authorizer. */
    AclAuthorizer(ReloadingFile<AclRules> rules, Future<?> reloading) {
        this.rules = rules;
        this.reloading = reloading;
    }

    @Override
    public void close() {
        reloading.cancel(false);
    }

    @Override
    public void reload() {
        rules.refresh();
    }

    @Override
    public boolean canPublish(ClientIdentity client, String topic) {
        return rules.value().grants(client, Access.WRITE, topic);
    }

    @Override
    public boolean canSubscribe(ClientIdentity client, String topicFilter) {
        return rules.value().grants(client, Access.READ, topicFilter);
    }
}
