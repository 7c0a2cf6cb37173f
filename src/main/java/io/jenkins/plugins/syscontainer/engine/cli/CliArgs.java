package io.jenkins.plugins.syscontainer.engine.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options (some repeatable), then an optional {@code --} and the rest as a command. */
final class CliArgs {
    private final Map<String, List<String>> options = new HashMap<>();
    private final List<String> rest = new ArrayList<>();

    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    CliArgs(List<String> args, Set<String> known, Set<String> flags) throws UsageException {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                rest.addAll(args.subList(i + 1, args.size()));
                return;
            }
            if (!a.startsWith("--")) {
                rest.addAll(args.subList(i, args.size()));
                return;
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (flags.contains(name)) {
                value = "true";
            } else {
                if (i + 1 >= args.size()) {
                    throw new UsageException("option --" + name + " needs a value");
                }
                value = args.get(++i);
            }
            if (!known.contains(name) && !flags.contains(name)) {
                throw new UsageException("unknown option --" + name);
            }
            options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
    }

    String get(String name, String dflt) {
        List<String> v = options.get(name);
        return v == null ? dflt : v.get(v.size() - 1);
    }

    List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(get(name, "false"));
    }

    List<String> rest() {
        return rest;
    }

    long number(String name, long dflt) throws UsageException {
        String v = get(name, null);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + ": '" + v + "' is not a whole number");
        }
    }

    /** Sizes like 512m, 4g, or plain bytes. */
    long bytes(String name, long dflt) throws UsageException {
        String v = get(name, null);
        if (v == null) {
            return dflt;
        }
        String s = v.trim().toLowerCase(java.util.Locale.ROOT);
        long mult = 1;
        char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g' || last == 't') {
            mult = 1L << (10 * ("kmgt".indexOf(last) + 1));
            s = s.substring(0, s.length() - 1);
        }
        try {
            return Long.parseLong(s) * mult;
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + ": '" + v + "' is not a size (e.g. 512m, 4g)");
        }
    }
}
