package io.starling.auth.passwd;

import io.starling.auth.password.PasswordFile;
import io.starling.auth.password.PasswordHash;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code starling-passwd}: manages a password file for the {@code password-file} plugin, like
 * {@code mosquitto_passwd}.
 * <pre>
 * starling-passwd [-c] [-I ITERATIONS] FILE USER              add or update USER; asks for the password
 * starling-passwd [-c] [-I ITERATIONS] -b FILE USER PASSWORD  the same, password on the command line
 * starling-passwd -D FILE USER                                delete USER
 * starling-passwd [-I ITERATIONS] -U FILE                     hash the plain-text passwords of FILE
 * </pre>
 * {@code -c} creates FILE, replacing an existing one; without it FILE must exist. A running
 * broker picks up the change on the next CONNECT.
 */
public final class PasswdTool {

    static final String USAGE = String.join(
            System.lineSeparator(),
            "usage: starling-passwd [-c] [-I ITERATIONS] FILE USER",
            "       starling-passwd [-c] [-I ITERATIONS] -b FILE USER PASSWORD",
            "       starling-passwd -D FILE USER",
            "       starling-passwd [-I ITERATIONS] -U FILE",
            "  -c             create FILE (an existing FILE is overwritten)",
            "  -b             batch mode: take the password from the command line",
            "  -D             delete USER from FILE",
            "  -U             FILE holds user:password lines in plain text: replace each password by its hash",
            "  -I ITERATIONS  PBKDF2 iterations (default " + PasswordHash.DEFAULT_ITERATIONS + ")",
            "Without -b the password is asked for twice on a terminal, or read as one line from standard input.");

    private PasswdTool() {}

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    /** Runs the command; returns the exit status: 0 done, 1 failed, 2 bad usage. */
    static int run(String[] args, PrintStream err) {
        boolean create = false;
        boolean batch = false;
        boolean delete = false;
        boolean hashPlain = false;
        int iterations = PasswordHash.DEFAULT_ITERATIONS;
        List<String> operands = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "-c" -> create = true;
                    case "-b" -> batch = true;
                    case "-D" -> delete = true;
                    case "-U" -> hashPlain = true;
                    case "-I" -> iterations = Integer.parseInt(i + 1 < args.length ? args[++i] : "");
                    case "-h", "--help" -> {
                        err.println(USAGE);
                        return 0;
                    }
                    default -> operands.add(args[i]);
                }
            }
        } catch (NumberFormatException e) {
            return usage(err, "-I needs a positive number");
        }
        int expected = hashPlain ? 1 : batch ? 3 : 2;
        if (operands.size() != expected
                || (delete && (create || batch))
                || (hashPlain && (create || batch || delete))
                || iterations < 1) {
            return usage(err, null);
        }
        Path file = Path.of(operands.get(0));
        try {
            if (hashPlain) {
                PasswordFile.hashPlain(Files.readAllLines(file), iterations).write(file);
                return 0;
            }
            String user = operands.get(1);
            PasswordFile passwords = create ? PasswordFile.empty() : PasswordFile.read(file);
            if (delete) {
                passwords = passwords.without(user);
            } else {
                char[] password = batch ? operands.get(2).toCharArray() : PasswordPrompt.read(user);
                if (password.length == 0) {
                    throw new IllegalArgumentException("the password must not be empty");
                }
                passwords = passwords.with(user, PasswordHash.create(password, iterations));
            }
            passwords.write(file);
            return 0;
        } catch (NoSuchFileException e) {
            err.println("starling-passwd: " + file + " does not exist" + (hashPlain ? "" : " (use -c to create it)"));
        } catch (IOException | IllegalArgumentException e) {
            err.println("starling-passwd: " + e.getMessage());
        }
        return 1;
    }

    private static int usage(PrintStream err, String problem) {
        if (problem != null) {
            err.println("starling-passwd: " + problem);
        }
        err.println(USAGE);
        return 2;
    }
}
