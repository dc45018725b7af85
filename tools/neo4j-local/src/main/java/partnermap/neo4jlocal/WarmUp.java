package partnermap.neo4jlocal;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.Value;
import org.neo4j.io.ByteUnit;

/**
 * A warm-up before the real server starts: imports made-up records into a THROWAWAY database.
 *
 * <p>A just-started JVM interprets, then compiles, the code a write runs: the Cypher planner and
 * runtime, the transaction state, the commit, the indexes, Bolt's decoding of the parameters.
 * The first import into a just-started server paid for all of it. This class starts a second,
 * temporary DBMS in its own folder with partnermap's schema (the uniqueness constraints and the
 * text index of {@code graph/store/cypher.py}), sends it, through Bolt and the Java driver, the
 * statements an import sends (rows of values under {@code UNWIND}, nodes created with their
 * helper properties, relationships between them by element id and by id, the version bump),
 * commits them, then shuts that DBMS down and deletes its folder. Nothing of it reaches the
 * real database: only the JVM keeps what it compiled and the classes it loaded.
 *
 * <p>Also the training run of the class-data archive ({@code run.sh} builds it once): the
 * classes loaded here are those an import needs.
 */
final class WarmUp {
    private static final String HOST = "127.0.0.1";
    private static final int CHUNK = 5000;
    private static final String[] LABELS = {"Organization", "Program", "Role"};

    private WarmUp() {}

    /** Runs {@code rounds} imports of {@code nodes} nodes (and twice as many ties) each. */
    static void run(int rounds, int nodes) throws IOException {
        Path home = Files.createTempDirectory("neo4j-local-warm-up-");
        int port = freePort();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(64))
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(3))
                .build();
        try (Driver driver = GraphDatabase.driver("bolt://" + HOST + ":" + port, AuthTokens.none())) {
            driver.verifyConnectivity();
            try (Session session = driver.session()) {
                session.run("CREATE CONSTRAINT partnermap_node_id IF NOT EXISTS "
                        + "FOR (n:Node) REQUIRE n.id IS UNIQUE").consume();
                session.run("CREATE CONSTRAINT partnermap_meta_key IF NOT EXISTS "
                        + "FOR (m:PartnermapMeta) REQUIRE m.key IS UNIQUE").consume();
                session.run("CREATE TEXT INDEX partnermap_node_search IF NOT EXISTS "
                        + "FOR (n:Node) ON (n._search)").consume();
                session.run("CALL db.awaitIndexes(60)").consume();
                for (int round = 0; round < rounds; round++) {
                    importOnce(session, round, nodes);
                }
            }
        } finally {
            dbms.shutdown();
            deleteTree(home);
        }
    }

    /** One import's statements, in one transaction, committed. */
    private static void importOnce(Session session, int round, int nodes) {
        String prefix = "warm-" + round + "-";
        List<String> ids = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            ids.add(prefix + i);
        }
        try (Transaction tx = session.beginTransaction()) {
            // What is stored already (the import reads it first, and the batch check does too).
            for (int start = 0; start < nodes; start += 2 * CHUNK) {
                List<String> part = ids.subList(start, Math.min(nodes, start + 2 * CHUNK));
                tx.run("UNWIND $ids AS id MATCH (n:Node {id: id}) "
                        + "RETURN collect([n.id, [l IN labels(n) WHERE l <> 'Node'][0], properties(n)]) AS rows",
                        Map.of("ids", part)).single();
                tx.run("UNWIND $ids AS id MATCH (n:Node {id: id}) RETURN n.id AS id, "
                        + "[l IN labels(n) WHERE l <> 'Node'][0] AS label, properties(n) AS props",
                        Map.of("ids", part)).list();
            }
            Map<String, String> elementIds = new java.util.HashMap<>(nodes * 2);
            for (int start = 0; start < nodes; start += CHUNK) {
                int end = Math.min(nodes, start + CHUNK);
                String label = LABELS[(start / CHUNK) % LABELS.length];
                List<List<Object>> rows = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) {
                    rows.add(List.of(
                            ids.get(i),
                            "ארגון " + i + " organisation",
                            List.of("locality:loc-" + (i % 97), "sector:business", "domain:stem21"),
                            i * 0.5,
                            (long) i,
                            "ארגון " + i + " | " + ids.get(i),
                            List.of("loc-" + (i % 97)),
                            "2024-01-" + (1 + i % 28)));
                }
                Record result = tx.run("UNWIND $rows AS row\nCREATE (n:Node:`" + label + "` {`id`: row[0], "
                        + "`name`: row[1], `_keys`: row[2], `budget`: row[3], `size`: row[4], "
                        + "`_search`: row[5], `locality_ids`: row[6], `founded`: row[7]})\n"
                        + "RETURN collect([n.id, elementId(n)]) AS rows", Map.of("rows", rows)).single();
                for (Value pair : result.get("rows").values()) {
                    elementIds.put(pair.get(0).asString(), pair.get(1).asString());
                }
            }
            // Ties: by element id (both ends written here), a few by id (through the index).
            for (int start = 0; start < 2 * nodes; start += CHUNK) {
                int end = Math.min(2 * nodes, start + CHUNK);
                List<List<Object>> byElement = new ArrayList<>(end - start);
                List<List<Object>> byId = new ArrayList<>();
                for (int k = start; k < end; k++) {
                    String source = ids.get(k % nodes);
                    String target = ids.get((k * 7 + 1) % nodes);
                    if (k % 10 == 0) {
                        byId.add(List.of(source, target, "partner", k * 0.25, source));
                    } else {
                        byElement.add(List.of(elementIds.get(source), elementIds.get(target), "partner",
                                k * 0.25, source));
                    }
                }
                String props = " {`kind`: row[2], `weight`: row[3], `_owner`: row[4]}]->(b)\n"
                        + "RETURN count(*) AS written";
                tx.run("UNWIND $rows AS row\nMATCH (a) WHERE elementId(a) = row[0]\n"
                        + "MATCH (b) WHERE elementId(b) = row[1]\nCREATE (a)-[r:`PARTNERS_WITH`" + props,
                        Map.of("rows", byElement)).consume();
                tx.run("UNWIND $rows AS row\nMATCH (a:Node {id: row[0]})\nMATCH (b:Node {id: row[1]})\n"
                        + "CREATE (a)-[r:`MEMBER_OF`" + props, Map.of("rows", byId)).consume();
            }
            tx.run("MERGE (m:PartnermapMeta {key: 'version'})\nON CREATE SET m.counter = 0\n"
                    + "SET m.counter = m.counter + 1\nSET m.value = toString(m.counter) + ':' + $token",
                    Map.of("token", "warm" + round)).consume();
            tx.commit();
        }
        // A read back, as a re-import does (the stored digests of a relationship type).
        session.run("MATCH (a)-[r:`PARTNERS_WITH`]->(b) RETURN collect([a.id, b.id, properties(r)]) AS rows")
                .single();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
