package io.starling.auth.passwd;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Asks for a new password: twice, without echo, on a terminal; as one line from standard
 * input otherwise, so scripts can pipe it in instead of showing it on the command line.
 */
final class PasswordPrompt {

    private PasswordPrompt() {}

    static char[] read(String user) throws IOException {
        Console console = System.console();
        if (console == null) {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                throw new IOException("no password on standard input");
            }
            return line.toCharArray();
        }
        char[] first = console.readPassword("Password for %s: ", user);
        char[] second = console.readPassword("Reenter password: ");
        if (first == null || second == null) {
            throw new IOException("no password entered");
        }
        try {
            if (!Arrays.equals(first, second)) {
                throw new IOException("passwords do not match");
            }
            return first;
        } finally {
            Arrays.fill(second, '\0');
        }
    }
}
