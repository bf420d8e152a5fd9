package io.starling.metrics;

/**
 * One shared subscription group's figures on this node, for {@code /metrics} and {@code $SYS}.
 *
 * @param name          {@code $share/{group}/{filter}}
 * @param delivered     messages given to a member (a redistributed one counts again)
 * @param redistributed messages taken back from a member whose connection ended and given to the group again
 * @param queued        messages waiting for a member that can take them
 * @param sentOn        messages that waited here while no member of this node was online and went
 *     to another node of the cluster with members online
 */
public record SharedGroupFigures(
        String name,
        int membersOnline,
        int membersOffline,
        long delivered,
        long redistributed,
        int queued,
        long sentOn) {}
