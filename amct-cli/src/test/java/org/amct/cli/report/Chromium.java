package org.amct.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Chromium driven over the DevTools protocol (a WebSocket, with the JDK's own client):
 * opens a page, collects console errors and uncaught exceptions, and evaluates JavaScript in it.
 * For the report tests only; one page at a time. Close it to end the browser process.
 */
final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

    private Chromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /**
     * The browser to use: {@code AMCT_CHROMIUM}, else {@code chromium}, {@code chromium-browser} or
     * {@code google-chrome} on the PATH.
     *
     * @return its path, or empty when there is none
     */
    static Optional<Path> find() {
        String forced = System.getenv("AMCT_CHROMIUM");
        if (forced != null && !forced.isBlank()) {
            return Optional.of(Path.of(forced)).filter(Files::isExecutable);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Starts the browser headless with a fresh profile and attaches to its first page.
     *
     * @param binary the browser
     * @param profile an empty folder for its profile
     * @param width the window's width in CSS pixels
     * @param height the window's height
     * @return the browser
     * @throws IOException if it does not start or attach
     */
    static Chromium start(Path binary, Path profile, int width, int height) throws IOException {
        List<String> command =
                List.of(
                        binary.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--no-first-run",
                        "--no-default-browser-check",
                        "--disable-extensions",
                        "--hide-scrollbars",
                        "--remote-debugging-port=0",
                        "--remote-allow-origins=*",
                        "--user-data-dir=" + profile,
                        "--window-size=" + width + "," + height,
                        "about:blank");
        Process process =
                new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String browserUrl = listeningUrl(process);
            URI browser = URI.create(browserUrl);
            HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            URI list =
                    URI.create(
                            "http://" + browser.getHost() + ":" + browser.getPort() + "/json/list");
            String pageUrl = null;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (pageUrl == null && System.nanoTime() < deadline) {
                HttpResponse<String> response =
                        http.send(
                                HttpRequest.newBuilder(list).GET().build(),
                                HttpResponse.BodyHandlers.ofString());
                for (JsonNode target : JSON.readTree(response.body())) {
                    if ("page".equals(target.path("type").asText())) {
                        pageUrl = target.path("webSocketDebuggerUrl").asText();
                        break;
                    }
                }
                if (pageUrl == null) {
                    Thread.sleep(100);
                }
            }
            if (pageUrl == null) {
                throw new IOException("Chromium shows no page target at " + list);
            }
            Listener listener = new Listener();
            WebSocket socket =
                    http.newWebSocketBuilder()
                            .connectTimeout(TIMEOUT)
                            .buildAsync(URI.create(pageUrl), listener)
                            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Chromium chromium = new Chromium(process, socket);
            listener.owner = chromium;
            chromium.call("Runtime.enable", JSON.createObjectNode());
            chromium.call("Log.enable", JSON.createObjectNode());
            chromium.call("Page.enable", JSON.createObjectNode());
            return chromium;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("Interrupted while starting Chromium", e);
        } catch (IOException
                | RuntimeException
                | java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("Cannot drive Chromium (" + binary + "): " + e, e);
        }
    }

    private static String listeningUrl(Process process) throws IOException {
        BufferedReader err =
                new BufferedReader(
                        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader =
                new Thread(
                        () -> {
                            try {
                                for (String line; (line = err.readLine()) != null; ) {
                                    Matcher m = LISTENING.matcher(line);
                                    if (m.find()) {
                                        url.complete(m.group(1));
                                    } else if (!url.isDone()) {
                                        seen.add(line);
                                    }
                                }
                                url.completeExceptionally(
                                        new IOException(
                                                "Chromium ended: " + String.join("\n", seen)));
                            } catch (IOException e) {
                                url.completeExceptionally(e);
                            }
                        },
                        "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            return url.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted", e);
        } catch (java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            throw new IOException("Chromium did not open its DevTools port: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a page and waits for its load event.
     *
     * @param file the HTML file
     * @throws IOException if it does not load in time
     */
    void open(Path file) throws IOException {
        loaded = new CompletableFuture<>();
        ObjectNode params = JSON.createObjectNode();
        params.put("url", file.toUri().toString());
        JsonNode result = call("Page.navigate", params);
        if (result.has("errorText")) {
            throw new IOException("Cannot open " + file + ": " + result.get("errorText").asText());
        }
        await(loaded, "the load event of " + file);
    }

    /**
     * Evaluates an expression in the page.
     *
     * @param expression JavaScript
     * @return its value, as JSON
     * @throws IOException if it throws or the browser does not answer
     */
    JsonNode evaluate(String expression) throws IOException {
        ObjectNode params = JSON.createObjectNode();
        params.put("expression", expression);
        params.put("returnByValue", true);
        params.put("awaitPromise", true);
        JsonNode result = call("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new IOException(
                    "The page threw on '" + expression + "': " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /**
     * The console errors, warnings and uncaught exceptions since the browser started.
     *
     * @return one line each
     */
    List<String> problems() {
        return List.copyOf(problems);
    }

    private JsonNode call(String method, ObjectNode params) throws IOException {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("method", method);
        message.set("params", params);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(JSON.writeValueAsString(message), true).join();
        JsonNode reply = await(answer, method);
        if (reply.has("error")) {
            throw new IOException(method + " failed: " + reply.get("error"));
        }
        return reply.path("result");
    }

    private static <T> T await(CompletableFuture<T> future, String what) throws IOException {
        try {
            return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted waiting for " + what, e);
        } catch (java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            throw new IOException("No answer from Chromium for " + what + ": " + e, e);
        }
    }

    private void received(JsonNode message) {
        if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
            if (answer != null) {
                answer.complete(message);
            }
            return;
        }
        String method = message.path("method").asText();
        JsonNode params = message.path("params");
        switch (method) {
            case "Page.loadEventFired" -> loaded.complete(null);
            case "Runtime.exceptionThrown" ->
                    problems.add("exception: " + params.path("exceptionDetails"));
            case "Runtime.consoleAPICalled" -> {
                String type = params.path("type").asText();
                if (type.equals("error") || type.equals("warning") || type.equals("assert")) {
                    problems.add("console." + type + ": " + params.path("args"));
                }
            }
            case "Log.entryAdded" -> {
                String level = params.path("entry").path("level").asText();
                if (level.equals("error") || level.equals("warning")) {
                    problems.add(
                            "log "
                                    + level
                                    + ": "
                                    + params.path("entry").path("text").asText()
                                    + " "
                                    + params.path("entry").path("url").asText());
                }
            }
            default -> {
                // Other events are of no interest.
            }
        }
    }

    @Override
    public void close() {
        socket.abort();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Reassembles the protocol's text messages, which may come in parts. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder buffer = new StringBuilder();
        private volatile Chromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                String text = buffer.toString();
                buffer.setLength(0);
                try {
                    Chromium chromium = owner;
                    if (chromium != null) {
                        chromium.received(JSON.readTree(text));
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("Not JSON from Chromium: " + text, e);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
