package io.starling.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * Draws latency against offered load as a PNG, one panel per scenario, both axes logarithmic:
 * for each broker its p50, p99 and p99.9 at each offered rate. {@code compare.sh --latency}
 * writes the points and calls it; Java2D, so that drawing needs nothing beyond the JDK.
 *
 * <p>Usage: {@code LatencyPlot POINTS.tsv OUT.png}, where each line of the points file is
 * {@code broker scenario rate p50_us p99_us p999_us}, tab-separated ({@code #} starts a comment).
 */
public final class LatencyPlot {

    private static final int PANEL_WIDTH = 420;
    private static final int HEIGHT = 460;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 110;
    private static final Color[] BROKER_COLORS = {new Color(0x1f77b4), new Color(0xe6550d), new Color(0x31a354)};
    private static final String[] PERCENTILES = {"p50", "p99", "p99.9"};

    /** One broker's latency percentiles, in microseconds, at one offered rate of one scenario. */
    record Point(String broker, String scenario, int rate, long[] micros) {

        static Point parse(String line) {
            String[] fields = line.split("\t");
            if (fields.length != 6) {
                throw new IllegalArgumentException("expected 6 tab-separated fields: " + line);
            }
            return new Point(fields[0], fields[1], Integer.parseInt(fields[2]), new long[] {
                Long.parseLong(fields[3]), Long.parseLong(fields[4]), Long.parseLong(fields[5])
            });
        }
    }

    private final List<Point> points;
    private final List<String> brokers;
    private final List<String> scenarios;
    private final double lowMs;
    private final double highMs;

    LatencyPlot(List<Point> points) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no points to draw");
        }
        this.points = points;
        Set<String> brokerNames = new LinkedHashSet<>();
        Set<String> scenarioNames = new LinkedHashSet<>();
        long least = Long.MAX_VALUE;
        long most = 1;
        for (Point point : points) {
            brokerNames.add(point.broker());
            scenarioNames.add(point.scenario());
            for (long micros : point.micros()) {
                least = Math.min(least, Math.max(1, micros));
                most = Math.max(most, micros);
            }
        }
        brokers = List.copyOf(brokerNames);
        scenarios = List.copyOf(scenarioNames);
        // Whole decades, so that the grid lines fall on 0.1, 1, 10, ... ms.
        lowMs = Math.pow(10, Math.floor(Math.log10(least / 1000.0)));
        highMs = Math.pow(10, Math.ceil(Math.log10(most / 1000.0 * 1.0001)));
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: LatencyPlot POINTS.tsv OUT.png");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        List<Point> points = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                points.add(Point.parse(line));
            }
        }
        ImageIO.write(new LatencyPlot(points).draw(), "png", Path.of(args[1]).toFile());
    }

    BufferedImage draw() {
        BufferedImage image = new BufferedImage(PANEL_WIDTH * scenarios.size(), HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < scenarios.size(); i++) {
                drawPanel(g, i * PANEL_WIDTH, scenarios.get(i));
            }
            drawLegend(g, image.getWidth());
        } finally {
            g.dispose();
        }
        return image;
    }

    private void drawPanel(Graphics2D g, int x0, String scenario) {
        TreeSet<Integer> rates = new TreeSet<>();
        points.stream().filter(p -> p.scenario().equals(scenario)).forEach(p -> rates.add(p.rate()));
        Axes axes = Axes.of(
                x0 + LEFT, x0 + PANEL_WIDTH - RIGHT, TOP, HEIGHT - BOTTOM, rates.first(), rates.last(), lowMs, highMs);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString(scenario, axes.left(), TOP - 14);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double ms = lowMs; ms <= highMs * 1.0001; ms *= 10) {
            int y = axes.y(ms);
            g.setColor(new Color(0xdddddd));
            g.drawLine(axes.left(), y, axes.right(), y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label(ms) + " ms", x0 + 8, y + 4);
        }
        for (int rate : rates) {
            int x = axes.x(rate);
            g.setColor(new Color(0xdddddd));
            g.drawLine(x, axes.top(), x, axes.bottom());
            g.setColor(Color.DARK_GRAY);
            String text = String.format(Locale.ROOT, "%,d", rate);
            g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, axes.bottom() + 16);
        }
        g.drawString("offered msg/s", axes.left(), axes.bottom() + 34);
        g.setColor(Color.GRAY);
        g.drawRect(axes.left(), axes.top(), axes.right() - axes.left(), axes.bottom() - axes.top());
        for (int b = 0; b < brokers.size(); b++) {
            for (int p = 0; p < PERCENTILES.length; p++) {
                drawLine(g, axes, scenario, brokers.get(b), p, BROKER_COLORS[b % BROKER_COLORS.length]);
            }
        }
    }

    private void drawLine(Graphics2D g, Axes axes, String scenario, String broker, int percentile, Color color) {
        Map<Integer, Long> byRate = new LinkedHashMap<>();
        points.stream()
                .filter(p -> p.scenario().equals(scenario) && p.broker().equals(broker))
                .sorted((a, b) -> Integer.compare(a.rate(), b.rate()))
                .forEach(p -> byRate.put(p.rate(), p.micros()[percentile]));
        Path2D.Double path = new Path2D.Double();
        byRate.forEach((rate, micros) -> {
            int x = axes.x(rate);
            int y = axes.y(Math.max(micros, 1) / 1000.0);
            if (path.getCurrentPoint() == null) {
                path.moveTo(x, y);
            } else {
                path.lineTo(x, y);
            }
        });
        g.setColor(color);
        g.setStroke(stroke(percentile));
        g.draw(path);
        g.setStroke(new BasicStroke(1));
        for (Map.Entry<Integer, Long> point : byRate.entrySet()) {
            int x = axes.x(point.getKey());
            int y = axes.y(Math.max(point.getValue(), 1) / 1000.0);
            g.fillOval(x - 3, y - 3, 7, 7);
        }
    }

    private void drawLegend(Graphics2D g, int width) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int y = HEIGHT - 40;
        int x = LEFT;
        for (int b = 0; b < brokers.size(); b++) {
            for (int p = 0; p < PERCENTILES.length; p++) {
                g.setColor(BROKER_COLORS[b % BROKER_COLORS.length]);
                g.setStroke(stroke(p));
                g.drawLine(x, y - 4, x + 34, y - 4);
                g.setStroke(new BasicStroke(1));
                g.setColor(Color.BLACK);
                String text = brokers.get(b) + " " + PERCENTILES[p];
                g.drawString(text, x + 40, y);
                x += 60 + g.getFontMetrics().stringWidth(text);
                if (x > width - 200) {
                    x = LEFT;
                    y += 18;
                }
            }
        }
    }

    /** p50 thin, p99 thick, p99.9 dashed. */
    private static Stroke stroke(int percentile) {
        return switch (percentile) {
            case 0 -> new BasicStroke(1.5f);
            case 1 -> new BasicStroke(3f);
            default -> new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {7, 5}, 0);
        };
    }

    private static String label(double ms) {
        return ms >= 1 ? String.format(Locale.ROOT, "%,.0f", ms) : String.format(Locale.ROOT, "%s", ms);
    }

    /** Where a rate and a latency fall in a panel, both on logarithmic scales (the bounds as log10). */
    private record Axes(
            int left, int right, int top, int bottom, double lowRate, double highRate, double lowMs, double highMs) {

        static Axes of(
                int left, int right, int top, int bottom, int lowRate, int highRate, double lowMs, double highMs) {
            // A margin of a tenth of the range on each side keeps the end points off the frame.
            double span = Math.max(Math.log10(highRate) - Math.log10(lowRate), 0.5);
            return new Axes(
                    left,
                    right,
                    top,
                    bottom,
                    Math.log10(lowRate) - span / 10,
                    Math.log10(highRate) + span / 10,
                    Math.log10(lowMs),
                    Math.log10(highMs));
        }

        int x(int rate) {
            return left + (int) Math.round((Math.log10(rate) - lowRate) / (highRate - lowRate) * (right - left));
        }

        int y(double ms) {
            return bottom - (int) Math.round((Math.log10(ms) - lowMs) / (highMs - lowMs) * (bottom - top));
        }
    }
}
