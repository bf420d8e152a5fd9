package io.starling.auth.password;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A password file: one {@code user:hash} line per user (hash as in {@link PasswordHash}),
 * blank lines and {@code #} comments ignored. Immutable; changes give a new instance that
 * keeps the other lines (comments included) in place.
 */
public final class PasswordFile {

    private final List<String> lines;
    private final Map<String, PasswordHash> users;

    private PasswordFile(List<String> lines, Map<String, PasswordHash> users) {
        this.lines = List.copyOf(lines);
        this.users = Map.copyOf(users);
    }

    public static PasswordFile empty() {
        return new PasswordFile(List.of(), Map.of());
    }

    /** Parses the lines; throws {@link IllegalArgumentException} naming the first bad line. */
    public static PasswordFile parse(List<String> lines) {
        Map<String, PasswordHash> users = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expected user:hash");
            }
            String user = line.substring(0, colon);
            try {
                if (users.put(user, PasswordHash.parse(line.substring(colon + 1))) != null) {
                    throw new IllegalArgumentException("user '" + user + "' appears twice");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new PasswordFile(lines, users);
    }

    /**
     * A file of {@code user:password} lines in plain text made a password file, as
     * {@code mosquitto_passwd -U} does: every password is replaced by its hash; lines that hold
     * a hash already, comments and blank lines stay as they are.
     */
    public static PasswordFile hashPlain(List<String> plainLines, int iterations) {
        List<String> hashed = new ArrayList<>(plainLines.size());
        for (String line : plainLines) {
            String stripped = line.strip();
            int colon = stripped.indexOf(':');
            boolean plain = colon > 0
                    && !stripped.startsWith("#")
                    && !stripped.substring(colon + 1).startsWith(PasswordHash.PREFIX);
            hashed.add(
                    plain
                            ? stripped.substring(0, colon) + ":"
                                    + PasswordHash.create(
                                                    stripped.substring(colon + 1)
                                                            .toCharArray(),
                                                    iterations)
                                            .encoded()
                            : line);
        }
        return parse(hashed);
    }

    public static PasswordFile read(Path path) throws IOException {
        return parse(Files.readAllLines(path));
    }

    /** The user's hash, or null for an unknown user. */
    public PasswordHash hash(String user) {
        return users.get(user);
    }

    /** This file with the user added, or with the user's hash replaced in its line. */
    public PasswordFile with(String user, PasswordHash hash) {
        checkUserName(user);
        List<String> changed = new ArrayList<>(lines);
        int index = lineOf(user);
        String line = user + ":" + hash.encoded();
        if (index < 0) {
            changed.add(line);
        } else {
            changed.set(index, line);
        }
        Map<String, PasswordHash> changedUsers = new HashMap<>(users);
        changedUsers.put(user, hash);
        return new PasswordFile(changed, changedUsers);
    }

    /** This file without the user; throws {@link IllegalArgumentException} for an unknown user. */
    public PasswordFile without(String user) {
        int index = lineOf(user);
        if (index < 0) {
            throw new IllegalArgumentException("user '" + user + "' is not in the file");
        }
        List<String> changed = new ArrayList<>(lines);
        changed.remove(index);
        Map<String, PasswordHash> changedUsers = new HashMap<>(users);
        changedUsers.remove(user);
        return new PasswordFile(changed, changedUsers);
    }

    /**
     * Writes the file by replacing it in one step (a new file moved over the old one), so a
     * broker reading it never sees half a file. The new file is readable by its owner only.
     */
    public void write(Path path) throws IOException {
        Path directory = path.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(directory, "." + path.getFileName(), ".tmp");
        try {
            Files.write(temporary, lines);
            Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** A user name is everything before the first colon of a line, so it cannot contain one. */
    static void checkUserName(String user) {
        if (user.isEmpty()
                || user.indexOf(':') >= 0
                || !user.strip().equals(user)
                || user.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a user name must be non-empty, without ':', control characters "
                    + "or surrounding blanks: '" + user + "'");
        }
    }

    private int lineOf(String user) {
        if (!users.containsKey(user)) {
            return -1;
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(user + ":")) {
                return i;
            }
        }
        throw new IllegalStateException("user '" + user + "' parsed but its line is gone");
    }
}
