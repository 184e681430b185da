package org.agreementledger.projection.scaling;

import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Validity;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.projection.ProjectionServiceApplication;
import org.agreementledger.projection.support.LedgerRecords;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two projection-service instances in one consumer group split the partitions between them and, writing to the
 * same views, give exactly the views a single instance builds alone.
 */
class TwoInstancesTest extends ProjectionIntegrationTest {

    private static final CountryCode US = CountryCode.of("US");
    private static final String[] PARTNERS = {"MX", "GT", "SV", "HN", "CR", "PA", "CO", "DO", "EC", "PE"};

    @Autowired
    JdbcTemplate jdbc;

    @Value("${projection.kafka.group-id}")
    String groupId;

    @Test
    void twoInstancesInOneGroupSplitThePartitionsAndBuildTheSameViewsAsOne() throws Exception {
        String bootstrap = SharedTestInfrastructure.get().kafka().bootstrapServers();
        String aloneDatabase = SharedTestInfrastructure.get().freshDatabase("projection-alone");
        try (ConfigurableApplicationContext second = instance(DATABASE_URL, groupId);
             ConfigurableApplicationContext alone = instance(aloneDatabase, groupId + "-alone")) {
            awaitTwoMembers(bootstrap);

            List<String> ids = new ArrayList<>();
            try (LedgerRecords records = new LedgerRecords(TOPIC)) {
                for (int i = 0; i < 40; i++) {
                    AgreementId id = AgreementId.generate();
                    ids.add(id.value());
                    CountryCode partner = CountryCode.of(PARTNERS[i % PARTNERS.length]);
                    LocalDate day = LocalDate.of(2025, 2, 1).plusDays(i % 28);
                    records.publish(new AgreementOffered(id, US, List.of(US, partner), day,
                            new AgreementTerms("Agreement " + i, List.of(), List.of(), new Validity(day, null)), null), 0);
                    records.publish(new AgreementAccepted(id, partner, day), 1);
                    records.publish(new AgreementEnteredIntoForce(id, day), 2);
                }
            }

            JdbcTemplate aloneJdbc = alone.getBean(JdbcTemplate.class);
            awaitAllInForce(jdbc, ids);
            awaitAllInForce(aloneJdbc, ids);
            assertThat(rows(jdbc, ids)).isEqualTo(rows(aloneJdbc, ids));
            assertThat(jdbc.queryForObject("SELECT count(DISTINCT kafka_partition) FROM agreement_history WHERE agreement_id IN ("
                    + placeholders(ids) + ")", Integer.class, ids.toArray())).isGreaterThan(1);
        }
    }

    private ConfigurableApplicationContext instance(String databaseUrl, String group) {
        // command-line arguments, so that they win over application.yml as they would for a deployed instance
        return new SpringApplicationBuilder(ProjectionServiceApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=" + databaseUrl,
                "--spring.datasource.username=test",
                "--spring.datasource.password=test",
                "--spring.lifecycle.timeout-per-shutdown-phase=2s",
                "--projection.kafka.bootstrap-servers=" + SharedTestInfrastructure.get().kafka().bootstrapServers(),
                "--projection.kafka.topic=" + TOPIC,
                "--projection.kafka.group-id=" + group,
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + TOKENS.publicKeyFile().toAbsolutePath());
    }

    private void awaitTwoMembers(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                var group = admin.describeConsumerGroups(List.of(groupId)).all().get(10, TimeUnit.SECONDS).get(groupId);
                List<MemberDescription> members = new ArrayList<>(group.members());
                if (members.size() == 2 && members.stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the two instances never split the partitions");
    }

    private static void awaitAllInForce(JdbcTemplate jdbc, List<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Integer inForce = jdbc.queryForObject("SELECT count(*) FROM agreement_view WHERE status = 'IN_FORCE' AND agreement_id IN ("
                    + placeholders(ids) + ")", Integer.class, ids.toArray());
            if (inForce != null && inForce == ids.size()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not every agreement reached the views");
    }

    private static List<Map<String, Object>> rows(JdbcTemplate jdbc, List<String> ids) {
        return jdbc.queryForList("SELECT agreement_id, offering_party, parties::text, title, offered_on, status, terms::text, "
                + "accepted_by::text, in_force_on, version, last_event_at FROM agreement_view WHERE agreement_id IN ("
                + placeholders(ids) + ") ORDER BY agreement_id", ids.toArray());
    }

    private static String placeholders(List<String> ids) {
        return String.join(",", ids.stream().map(id -> "?").toList());
    }
}
