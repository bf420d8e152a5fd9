package io.starling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * How failed authentications hold back further CONNECTs ({@code starling.auth.failed-logins}).
 *
 * @param perAddress  failures after which a source address is held back; 0: no limit
 * @param perUser     failures after which a user name is held back; 0: no limit
 * @param penalty     the hold after that many; it doubles with every further failure
 * @param maxPenalty  the longest hold
 * @param forgetAfter an address or user name without a failure for this long starts from zero
 * @param action      what happens to a CONNECT while it is held back
 */
public record LoginLimits(
        int perAddress, int perUser, Duration penalty, Duration maxPenalty, Duration forgetAfter, Action action) {

    /** Refused at once with CONNACK 5, without asking the auth plugins; or answered once the hold ends. */
    public enum Action {
        REFUSE,
        DELAY
    }

    static LoginLimits from(Config c) {
        String prefix = "starling.auth.failed-logins.";
        Duration penalty = c.getDuration(prefix + "penalty");
        Duration maxPenalty = c.getDuration(prefix + "max-penalty");
        if (penalty.isNegative() || penalty.isZero() || maxPenalty.compareTo(penalty) < 0) {
            throw new ConfigException.BadValue(
                    c.origin(),
                    prefix + "penalty",
                    "must be positive and at most max-penalty (" + maxPenalty + "), was " + penalty);
        }
        Duration forgetAfter = c.getDuration(prefix + "forget-after");
        if (forgetAfter.compareTo(maxPenalty) < 0) {
            throw new ConfigException.BadValue(
                    c.origin(),
                    prefix + "forget-after",
                    "must be at least max-penalty (" + maxPenalty + "), was " + forgetAfter);
        }
        String action = c.getString(prefix + "action");
        return new LoginLimits(
                BrokerConfig.intIn(c, prefix + "max-per-address", 0, 1_000_000),
                BrokerConfig.intIn(c, prefix + "max-per-user", 0, 1_000_000),
                penalty,
                maxPenalty,
                forgetAfter,
                switch (action) {
                    case "refuse" -> Action.REFUSE;
                    case "delay" -> Action.DELAY;
                    default ->
                        throw new ConfigException.BadValue(
                                c.origin(), prefix + "action", "must be refuse or delay, was '" + action + "'");
                });
    }
}
