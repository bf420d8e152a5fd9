package io.starling.bench;

/**
 * The figures of the offline scenario's phases; NaN for a phase this process did not run.
 *
 * @param filled         messages acknowledged to the publishers while the sessions were offline
 * @param fillSeconds    from the first publish to the last acknowledgement
 * @param drained        messages delivered once the sessions were back
 * @param drainSeconds   from the first reconnect to the last delivery
 * @param rssBaseKiB     broker RSS before the phase this process ran first
 * @param rssFillMaxKiB  the highest broker RSS read during the fill
 * @param rssDrainMaxKiB the highest broker RSS read during the drain
 */
record OfflineFigures(
        long filled,
        double fillSeconds,
        long drained,
        double drainSeconds,
        double rssBaseKiB,
        double rssFillMaxKiB,
        double rssDrainMaxKiB) {

    double fillPerSecond() {
        return fillSeconds > 0 ? filled / fillSeconds : Double.NaN;
    }

    double drainPerSecond() {
        return drainSeconds > 0 ? drained / drainSeconds : Double.NaN;
    }
}
