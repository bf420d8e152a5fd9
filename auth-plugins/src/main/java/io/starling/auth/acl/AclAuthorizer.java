package io.starling.auth.acl;

import io.starling.auth.file.ReloadingFile;
import io.starling.spi.Authorizer;
import io.starling.spi.ClientIdentity;

/**
 * Grants publishing by the ACL's write rules and subscribing by its read rules: a
 * subscription is allowed when a read rule's filter covers the whole subscribed filter.
 * It runs on the network threads for every PUBLISH, so it only reads the rules held in
 * memory; {@link AclFilePlugin} has them re-read in the background when the file changes.
 */
final class AclAuthorizer implements Authorizer {

    private final ReloadingFile<AclRules> rules;

    AclAuthorizer(ReloadingFile<AclRules> rules) {
        this.rules = rules;
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
