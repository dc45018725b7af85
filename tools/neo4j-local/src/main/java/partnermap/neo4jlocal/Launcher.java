package partnermap.neo4jlocal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Runs a real Neo4j Community DBMS (embedded API, Bolt enabled) in the foreground.
 *
 * <p>Usage: {@code Launcher PORT DATA_DIR}. Bolt listens on 127.0.0.1:PORT only. Auth comes
 * from the environment variable {@code NEO4J_AUTH}: unset or {@code none} disables auth (the
 * server is loopback-only, for tests); {@code user/password} enables it and sets that user's
 * password. Prints exactly one line, {@code NEO4J_READY bolt://127.0.0.1:PORT}, on stdout once
 * Bolt accepts connections and the default database is online. SIGTERM (or Ctrl-C) shuts the
 * DBMS down cleanly. Neo4j's own logs go to DATA_DIR/logs.
 */
public final class Launcher {
    private static final String HOST = "127.0.0.1";

    private Launcher() {}

    /** Nodes (and twice as many relationships) of each warm-up round. */
    private static final int WARM_UP_NODES = 30000;

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--train")) {
            // The training run of run.sh's class-data archive: one warm-up round, then exit.
            WarmUp.run(1, WARM_UP_NODES / 3);
            System.exit(0);
        }
        if (args.length != 2) {
            System.err.println("usage: Launcher PORT DATA_DIR | Launcher --train");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path home = Path.of(args[1]).toAbsolutePath();
        String auth = System.getenv().getOrDefault("NEO4J_AUTH", "none").trim();
        boolean authEnabled = !(auth.isEmpty() || auth.equalsIgnoreCase("none"));
        String user = null;
        String password = null;
        if (authEnabled) {
            int slash = auth.indexOf('/');
            if (slash <= 0 || slash == auth.length() - 1) {
                System.err.println("NEO4J_AUTH must be 'none' or 'user/password'");
                System.exit(2);
            }
            user = auth.substring(0, slash);
            password = auth.substring(slash + 1);
        }

        int rounds = warmUpRounds();
        if (rounds > 0) {
            long started = System.nanoTime();
            try {
                WarmUp.run(rounds, WARM_UP_NODES);
                System.err.printf("neo4j-local: warm-up (%d rounds in a throwaway database) took %.1f s%n",
                        rounds, (System.nanoTime() - started) / 1e9);
            } catch (Exception failed) {
                // A warm-up only saves time: the real server starts all the same.
                System.err.println("neo4j-local: the warm-up failed, starting without it: " + failed);
            }
        }
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        String conf = System.getenv().getOrDefault("NEO4J_LOCAL_CONF", "").trim();
        if (!conf.isEmpty()) {
            builder.loadPropertiesFromFile(Path.of(conf));
        }
        DatabaseManagementService dbms = builder
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, authEnabled)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256))
                // A local server: no need to linger on shutdown (default ~10 s for Bolt).
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(3))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-local-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(Duration.ofMinutes(2).toMillis())) {
            System.err.println("the default database did not come online");
            System.exit(1);
        }
        if (authEnabled) {
            GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            system.executeTransactionally(
                    "CREATE OR REPLACE USER $user SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("user", user, "password", password));
        }
        waitForPort(port, Duration.ofMinutes(1));
        System.out.println("NEO4J_READY bolt://" + HOST + ":" + port);
        System.out.flush();
        stopped.await();
    }

    /** {@code NEO4J_LOCAL_WARM_UP}: rounds of the warm-up before the start (unset or 0: none). */
    private static int warmUpRounds() {
        String value = System.getenv().getOrDefault("NEO4J_LOCAL_WARM_UP", "").trim();
        if (value.isEmpty()) {
            return 0;
        }
        try {
            int rounds = Integer.parseInt(value);
            if (rounds >= 0 && rounds <= 20) {
                return rounds;
            }
        } catch (NumberFormatException bad) {
            // reported below
        }
        System.err.println("NEO4J_LOCAL_WARM_UP must be a number of rounds from 0 to 20, not " + value);
        System.exit(2);
        return 0;
    }

    private static void waitForPort(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 1000);
                return;
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        System.err.println("Bolt did not start listening on " + HOST + ":" + port);
        System.exit(1);
    }
}
