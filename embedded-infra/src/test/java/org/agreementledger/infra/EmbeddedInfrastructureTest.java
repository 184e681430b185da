package org.agreementledger.infra;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedInfrastructureTest {

    @Test
    void theLocalStacksPostgresIsDurableAndKeepsItsDataAcrossRestarts(@TempDir Path dir) throws Exception {
        int port = FreePorts.next();
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("pg"), port, true)) {
            assertThat(postgres.setting("fsync")).isEqualTo("on");
            assertThat(postgres.setting("synchronous_commit")).isEqualTo("on");
            postgres.createDatabase("ledger", "ledger", "ledger");
            try (var connection = DriverManager.getConnection(postgres.jdbcUrl("ledger"), "ledger", "ledger")) {
                connection.createStatement().execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('history')");
            }
        }
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("pg"), port, true)) {
            postgres.createDatabase("ledger", "ledger", "ledger");
            try (var connection = DriverManager.getConnection(postgres.jdbcUrl("ledger"), "ledger", "ledger")) {
                var rows = connection.createStatement().executeQuery("SELECT v FROM kept");
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("history");
            }
        }
    }

    @Test
    void theKafkaBrokerKeepsEveryRecordOfANeverTruncatedTopicAcrossRestarts(@TempDir Path dir) throws Exception {
        int port = FreePorts.next();
        int controllerPort = FreePorts.next();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"), port, controllerPort)) {
            kafka.createTopicIfAbsent("events", 3);
            try (var admin = kafka.admin()) {
                var resource = new ConfigResource(ConfigResource.Type.TOPIC, "events");
                var config = admin.describeConfigs(Set.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
                assertThat(config.get("retention.ms").value()).isEqualTo("-1");
            }
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("events", "a", "offered")).get();
            }
        }
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"), port, controllerPort);
             var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "reader",
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("events"));
            List<String> values = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            assertThat(values).containsExactly("offered");
        }
    }
}
