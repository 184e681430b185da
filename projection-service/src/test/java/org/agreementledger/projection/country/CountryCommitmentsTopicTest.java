package org.agreementledger.projection.country;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Commitment;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.NationalityScope;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Validity;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.projection.support.LedgerRecords;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CountryCommitmentsTopicTest extends ProjectionIntegrationTest {

    @Test
    void dashboardsReadingKafkaFindEachCountrysLatestCommitmentsOnACompactedTopic() throws Exception {
        CountryCode cr = CountryCode.of("CR");
        CountryCode us = CountryCode.of("US");
        AgreementId id = AgreementId.generate();
        AgreementTerms terms = new AgreementTerms("Costa Rica takes non-nationals in transit", List.of(
                new Commitment.AcceptPeople(cr, NationalityScope.any(), Set.of(PersonCategory.IRREGULAR_MIGRANT),
                        List.of(us), "CATEM", null, true)), List.of(), new Validity(LocalDate.of(2025, 2, 20), null));
        try (LedgerRecords records = new LedgerRecords(TOPIC)) {
            records.publish(new AgreementOffered(id, us, List.of(us, cr), LocalDate.of(2025, 2, 20), terms, null), 0);
        }
        String bootstrap = SharedTestInfrastructure.get().kafka().bootstrapServers();

        JsonNode costaRica = latestFor("CR", id.value(), bootstrap);

        assertThat(costaRica.get("country").asText()).isEqualTo("CR");
        assertThat(costaRica.get("accepts").get(0).get("facility").asText()).isEqualTo("CATEM");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "ledger.country-commitments");
            assertThat(admin.describeConfigs(List.of(topic)).all().get(10, TimeUnit.SECONDS).get(topic)
                    .get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    private static JsonNode latestFor(String country, String mustMention, String bootstrap) throws Exception {
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition("ledger.country-commitments", 0);
            while (System.nanoTime() < deadline) {
                if (!consumer.partitionsFor("ledger.country-commitments").isEmpty()) {
                    consumer.assign(List.of(partition));
                    consumer.seekToBeginning(List.of(partition));
                    JsonNode latest = null;
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                        if (country.equals(record.key())) {
                            latest = json.readTree(record.value());
                        }
                    }
                    if (latest != null && latest.toString().contains(mustMention)) {
                        return latest;
                    }
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError("no commitments of " + country + " on the topic");
    }
}
