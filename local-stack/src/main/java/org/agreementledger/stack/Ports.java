package org.agreementledger.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The TCP ports the launcher is about to listen on, and who holds them. On Linux the holder comes from
 * {@code /proc/net/tcp} and {@code tcp6} (the listening sockets' inodes) and {@code /proc/<pid>/fd} (which process
 * has such a socket open); elsewhere it is unknown.
 */
final class Ports {

    private Ports() {
    }

    /** Fails before anything starts, naming every port already taken and, where known, the process holding it. */
    static void requireFree(Map<String, Integer> portsByOption) {
        List<String> taken = new ArrayList<>();
        portsByOption.forEach((option, port) -> {
            if (!free(port)) {
                taken.add("port " + port + " (--" + option + ") is in use"
                        + listeners(port).stream().findFirst().map(holder -> " by " + describe(holder)).orElse(""));
            }
        });
        if (!taken.isEmpty()) {
            throw new IllegalStateException(String.join("; ", taken)
                    + ". Stop what holds it, or choose another port with the option named.");
        }
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String describe(ProcessHandle process) {
        String command = process.info().commandLine().orElse("");
        return "pid " + process.pid() + (command.isEmpty() ? ""
                : " (" + (command.length() > 200 ? command.substring(0, 200) + "…" : command) + ")");
    }

    /** The processes with a socket listening on the port open; empty when nothing listens or it cannot be told. */
    static List<ProcessHandle> listeners(int port) {
        Set<String> sockets = listeningSockets(port);
        List<ProcessHandle> holders = new ArrayList<>();
        if (sockets.isEmpty()) {
            return holders;
        }
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"),
                entry -> entry.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path process : processes) {
                if (holdsOneOf(process, sockets)) {
                    ProcessHandle.of(Long.parseLong(process.getFileName().toString())).ifPresent(holders::add);
                }
            }
        } catch (IOException e) {
            // no /proc
        }
        return holders;
    }

    private static boolean holdsOneOf(Path process, Set<String> sockets) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                String target = Files.readSymbolicLink(fd).toString();
                if (target.startsWith("socket:[") && sockets.contains(target.substring(8, target.length() - 1))) {
                    return true;
                }
            }
        } catch (IOException e) {
            // the process ended meanwhile, or is not ours to look into
        }
        return false;
    }

    /** Inodes of the sockets listening on the port: /proc/net/tcp lists local_address as HEXIP:HEXPORT, state 0A = LISTEN. */
    private static Set<String> listeningSockets(int port) {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 9 && fields[3].equals("0A")
                        && Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1), 16) == port) {
                    inodes.add(fields[9]);
                }
            }
        }
        return inodes;
    }

    /** The holder of the port, unless it is {@code pid} or unknown. */
    static Optional<ProcessHandle> heldByAnotherThan(long pid, int port) {
        List<ProcessHandle> holders = listeners(port);
        return holders.stream().anyMatch(holder -> holder.pid() == pid) ? Optional.empty() : holders.stream().findFirst();
    }
}
