#!/usr/bin/env bash
# Run a real Neo4j Community 5.26 (Maven Central artifacts, no Docker) in the foreground.
#
#   tools/neo4j-local/run.sh PORT DATA_DIR
#
# Builds the launcher on first use (mvn package: ~170 MB into ~/.m2 once; later
# builds run offline), then prints exactly one line on stdout,
#   NEO4J_READY bolt://127.0.0.1:PORT
# once Bolt accepts connections. Bolt listens on 127.0.0.1 only.
# Auth: NEO4J_AUTH unset or "none" = auth disabled (tests); NEO4J_AUTH=user/password
# enables auth with that user. SIGTERM stops the server cleanly.
# NEO4J_LOCAL_HEAP sets the JVM heap, reserved at start (default 2g; a 100k-row import in one
# transaction fits). NEO4J_LOCAL_JAVA_OPTS replaces the compiler/GC choice, by default
# "-XX:TieredStopAtLevel=1 -XX:+UseParallelGC -XX:MaxTenuringThreshold=0": a local server lives
# minutes to hours, and on 2 cores the C2 compiler burnt more CPU than it saved (cold 100k-row
# import: JVM CPU 38 s with C2 and G1, 17 s with C1 only and the parallel collector). An open
# transaction's state lives until its commit: copied from survivor space to survivor space it
# cost the collector twice the CPU of promoting it at its first young collection (README.md).
# A long-lived server may want NEO4J_LOCAL_JAVA_OPTS="-XX:+UseG1GC" (full JIT).
# NEO4J_LOCAL_CONF names a neo4j.conf-style file of further settings (one key=value a line).
# NEO4J_LOCAL_WARM_UP=N (rounds, default 0) runs N made-up imports in a THROWAWAY database
# before the real one starts (nothing reaches DATA_DIR): the JVM has then loaded and compiled
# the write path, and the first real import runs as a later one would (README.md).
# Classes come from a class-data archive (target/neo4j-local.jsa, AppCDS) made once after the
# build by a training run (Launcher --train): the JVM maps them instead of loading them.
set -euo pipefail

if [ "$#" -ne 2 ]; then
    echo "usage: $0 PORT DATA_DIR" >&2
    exit 2
fi
PORT="$1"
DATA_DIR="$2"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET="$HERE/target"
STAMP="$TARGET/.built"

command -v java >/dev/null || { echo "java (17+) is not on PATH" >&2; exit 3; }

JAR="$TARGET/neo4j-local-1.0.0.jar"
ARCHIVE="$TARGET/neo4j-local.jsa"
# The module opens Neo4j's own launcher passes: without them the page cache and an
# off-heap transaction state fall back to slower paths (debug.log says so).
OPENS=(--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
    --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED
    --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
    -Dio.netty.tryReflectionSetAccessible=true)
# The JVM's own messages go to stderr: stdout carries only the NEO4J_READY line.
LOGS=(-Xlog:disable -Xlog:all=warning:stderr)

# The class-data archive: the classes a start and an import load, dumped at the exit of a
# training run (one warm-up round in a throwaway database). A class path given as a
# directory cannot be archived, hence the jar. Without an archive (or with one the JVM
# refuses, say after a Java update) the server starts as before, loading every class.
make_archive() {
    rm -f "$ARCHIVE"
    if java -Xmx1g "${OPENS[@]}" -XX:TieredStopAtLevel=1 -Xlog:disable -Xlog:all=error:stderr \
        -XX:ArchiveClassesAtExit="$ARCHIVE.tmp" -cp "$JAR:$TARGET/lib/*" \
        partnermap.neo4jlocal.Launcher --train >/dev/null 2>"$TARGET/archive.log" \
        && [ -s "$ARCHIVE.tmp" ]; then
        mv "$ARCHIVE.tmp" "$ARCHIVE"
    else
        echo "no class-data archive (see $TARGET/archive.log); starting without one" >&2
        rm -f "$ARCHIVE.tmp"
    fi
}

needs_build() {
    [ -f "$STAMP" ] || return 0
    [ -d "$TARGET/lib" ] || return 0
    [ -f "$TARGET/archive.log" ] || return 0  # the class-data archive was never tried
    [ "$HERE/pom.xml" -nt "$STAMP" ] && return 0
    [ -n "$(find "$HERE/src" -newer "$STAMP" -type f 2>/dev/null)" ] && return 0
    return 1
}

if needs_build; then
    command -v mvn >/dev/null || { echo "mvn (Maven 3.8+) is not on PATH" >&2; exit 3; }
    # One build at a time when several fixtures start together.
    exec 9>"$HERE/.build.lock"
    flock 9
    if needs_build; then
        echo "building the Neo4j launcher (first run downloads ~170 MB from Maven Central)" >&2
        # -o first: quick and offline once ~/.m2 is filled; online only if that fails.
        if ! mvn -q -B -Dstyle.color=never -o -f "$HERE/pom.xml" package >&2 2>&1; then
            mvn -q -B -Dstyle.color=never -f "$HERE/pom.xml" package >&2
        fi
        make_archive
        touch "$STAMP"
    fi
    flock -u 9
fi

mkdir -p "$DATA_DIR"
HEAP="${NEO4J_LOCAL_HEAP:-2g}"
DEFAULT_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseParallelGC -XX:MaxTenuringThreshold=0"
read -r -a JAVA_OPTS <<<"${NEO4J_LOCAL_JAVA_OPTS:-$DEFAULT_JAVA_OPTS}"
SHARE=()
if [ -s "$ARCHIVE" ]; then
    SHARE=(-XX:SharedArchiveFile="$ARCHIVE")
fi
exec java -Xms"$HEAP" -Xmx"$HEAP" "${OPENS[@]}" "${LOGS[@]}" ${SHARE[@]+"${SHARE[@]}"} \
    "${JAVA_OPTS[@]}" -cp "$JAR:$TARGET/lib/*" partnermap.neo4jlocal.Launcher "$PORT" "$DATA_DIR"
