package org.agreementledger.stack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the local stack runs. Every option has a default, so {@code LocalStack} with no arguments starts
 * everything on the usual ports with its data under {@code ./data}.
 */
public record StackConfig(
        Path dataDir,
        int kafkaPort,
        int kafkaControllerPort,
        int postgresPort,
        int ledgerPort,
        int projectionPort,
        int partitions,
        Optional<String> externalKafka,
        Optional<String> externalPostgres,
        Path ledgerJar,
        Path projectionJar,
        List<String> command) {

    public static final String USAGE = """
            Usage: LocalStack [options] [run | scenario | rebuild | token ...]
              run                        start the stack (the default)
              scenario                   record the real agreements of February 2025 through the REST API
                                         of a stack that is already running (same port and data options)
              rebuild                    rebuild every view of the running projection-service from the topic
              token PRINCIPAL ROLES [COUNTRY]
                                         mint a token with the stack's key, e.g. token mx-segob ledger.write MX;
                                         roles: ledger.write, ledger.audit, ledger.read, ledger.admin (comma-separated)
              --data-dir=DIR             where PostgreSQL, Kafka and logs keep their data (default ./data)
              --kafka-port=N             Kafka listener (default 9092); the controller uses --kafka-controller-port (9093)
              --postgres-port=N          PostgreSQL (default 5432)
              --ledger-port=N            ledger-service HTTP (default 8080)
              --projection-port=N        projection-service HTTP (default 8081)
              --partitions=N             partitions of ledger.agreement-events when it is created (default 6)
              --external-kafka=HOST:PORT use an existing Kafka instead of starting one
              --external-postgres=HOST:PORT
                                         use an existing PostgreSQL; it must hold databases ledger and projection
                                         owned by users ledger/ledger and projection/projection (docker/postgres/init.sql)
            """;

    public static StackConfig defaults() {
        return parse(new String[0]);
    }

    public static StackConfig parse(String[] args) {
        Path dataDir = Path.of("data");
        int kafkaPort = 9092;
        int controllerPort = 9093;
        int postgresPort = 5432;
        int ledgerPort = 8080;
        int projectionPort = 8081;
        int partitions = 6;
        String externalKafka = null;
        String externalPostgres = null;
        Path ledgerJar = Path.of(System.getProperty("ledger.jar", "ledger-service/target/ledger-service-0.1.0-SNAPSHOT-exec.jar"));
        Path projectionJar = Path.of(System.getProperty("projection.jar", "projection-service/target/projection-service-0.1.0-SNAPSHOT-exec.jar"));
        List<String> command = new ArrayList<>();
        for (String arg : args) {
            if (arg.isBlank()) {
                continue;
            }
            if (!arg.startsWith("--")) {
                command.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("option " + arg + " needs a value (--name=value)\n" + USAGE);
            }
            String name = arg.substring(2, eq);
            String value = arg.substring(eq + 1);
            switch (name) {
                case "data-dir" -> dataDir = Path.of(value);
                case "kafka-port" -> kafkaPort = port(name, value);
                case "kafka-controller-port" -> controllerPort = port(name, value);
                case "postgres-port" -> postgresPort = port(name, value);
                case "ledger-port" -> ledgerPort = port(name, value);
                case "projection-port" -> projectionPort = port(name, value);
                case "partitions" -> partitions = positive(name, value);
                case "external-kafka" -> externalKafka = value;
                case "external-postgres" -> externalPostgres = value;
                case "ledger-jar" -> ledgerJar = Path.of(value);
                case "projection-jar" -> projectionJar = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option --" + name + "\n" + USAGE);
            }
        }
        return new StackConfig(dataDir, kafkaPort, controllerPort, postgresPort, ledgerPort, projectionPort, partitions,
                Optional.ofNullable(externalKafka), Optional.ofNullable(externalPostgres), ledgerJar, projectionJar,
                List.copyOf(command));
    }

    private static int port(String name, String value) {
        int port = positive(name, value);
        if (port > 65535) {
            throw new IllegalArgumentException("--" + name + " must be a port number, got " + value);
        }
        return port;
    }

    private static int positive(String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a positive number, got " + value);
        }
    }

    public String kafkaBootstrap() {
        return externalKafka.orElse("localhost:" + kafkaPort);
    }

    public String postgresHostPort() {
        return externalPostgres.orElse("localhost:" + postgresPort);
    }

    public String ledgerUrl() {
        return "http://localhost:" + ledgerPort;
    }

    public String projectionUrl() {
        return "http://localhost:" + projectionPort;
    }
}
