package io.starling.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyPlotTest {

    private static final int STARLING_BLUE = 0x1f77b4;
    private static final int MOSQUITTO_ORANGE = 0xe6550d;

    @Test
    void drawsOnePanelPerScenarioWithALineOfEachBrokersColour() {
        List<LatencyPlot.Point> points = List.of(
                LatencyPlot.Point.parse("Starling\tp2p, QoS 1\t1000\t400\t2000\t9000"),
                LatencyPlot.Point.parse("Starling\tp2p, QoS 1\t5000\t450\t2500\t12000"),
                LatencyPlot.Point.parse("Mosquitto\tp2p, QoS 1\t1000\t420\t1800\t7000"),
                LatencyPlot.Point.parse("Mosquitto\tp2p, QoS 1\t5000\t460\t2600\t20000"),
                LatencyPlot.Point.parse("Starling\tfan-out, QoS 1\t1000\t900\t5000\t30000"),
                LatencyPlot.Point.parse("Mosquitto\tfan-out, QoS 1\t1000\t950\t6000\t40000"));

        BufferedImage image = new LatencyPlot(points).draw();

        assertEquals(2, image.getWidth() / 420, "one panel per scenario");
        assertTrue(count(image, 0, STARLING_BLUE) > 20, "Starling's lines in the first panel");
        assertTrue(count(image, 0, MOSQUITTO_ORANGE) > 20, "Mosquitto's lines in the first panel");
        assertTrue(count(image, 1, STARLING_BLUE) > 20, "the second panel has its points too");
    }

    @Test
    void refusesALineWithoutSixFields() {
        assertThrows(IllegalArgumentException.class, () -> LatencyPlot.Point.parse("Starling\tp2p\t1000\t400"));
        assertThrows(IllegalArgumentException.class, () -> new LatencyPlot(List.of()));
    }

    /** Pixels of exactly {@code rgb} in panel {@code panel}, above the legend. */
    private static int count(BufferedImage image, int panel, int rgb) {
        int found = 0;
        for (int x = panel * 420; x < (panel + 1) * 420; x++) {
            for (int y = 0; y < image.getHeight() - 110; y++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    found++;
                }
            }
        }
        return found;
    }
}
