package io.starling.auth.acl;

import io.starling.spi.ClientIdentity;
import java.util.List;
import java.util.Map;

/**
 * The rules of an ACL file. A client is granted what its own {@code topic} lines grant (the
 * lines before any {@code user} line for a client without user name) plus what the
 * {@code pattern} lines grant; nothing else.
 */
record AclRules(List<AclRule> anonymous, Map<String, List<AclRule>> byUser, List<AclRule> patterns) {

    boolean grants(ClientIdentity client, Access wanted, String topicOrFilter) {
        List<AclRule> own = client.username() == null ? anonymous : byUser.getOrDefault(client.username(), List.of());
        for (AclRule rule : own) {
            if (rule.access().grants(wanted) && TopicFilters.covers(rule.filter(), topicOrFilter)) {
                return true;
            }
        }
        for (AclRule pattern : patterns) {
            if (pattern.access().grants(wanted)) {
                String filter = pattern.filterFor(client.username(), client.clientId());
                if (filter != null && TopicFilters.covers(filter, topicOrFilter)) {
                    return true;
                }
            }
        }
        return false;
    }
}
