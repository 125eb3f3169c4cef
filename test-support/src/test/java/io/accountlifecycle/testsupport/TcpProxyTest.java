package io.accountlifecycle.testsupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy forwards, stalls without closing, lets held bytes through, and cuts connections. */
class TcpProxyTest {

    private ServerSocket echo;
    private TcpProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread server = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket connection = echo.accept();
                    Thread pump = new Thread(() -> {
                        try (connection) {
                            connection.getInputStream().transferTo(connection.getOutputStream());
                        } catch (IOException gone) {
                            // the test closed it
                        }
                    });
                    pump.setDaemon(true);
                    pump.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        server.setDaemon(true);
        server.start();
        proxy = TcpProxy.start(0, echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void forwardsStallsWithoutClosingAndResumes() throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            client.setSoTimeout(500);
            client.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
            assertThat(read(client.getInputStream(), 4)).isEqualTo("ping");
            assertThat(proxy.bytesToServer()).isEqualTo(4);
            assertThat(proxy.bytesToClient()).isEqualTo(4);

            proxy.pause();
            client.getOutputStream().write("held".getBytes(StandardCharsets.UTF_8));
            // Stalled: no answer, and no end of stream either (the connection stays open).
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(proxy.bytesHeldToServer()).isEqualTo(4);
            assertThat(proxy.bytesToServer()).isEqualTo(4);

            proxy.resume();
            assertThat(read(client.getInputStream(), 4)).isEqualTo("held");
            assertThat(proxy.bytesToServer()).isEqualTo(8);
        }
        assertThat(proxy.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void holdsOnlyTheAnswersWhenAsked() throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            client.setSoTimeout(500);
            proxy.pauseAnswers();
            client.getOutputStream().write("sent".getBytes(StandardCharsets.UTF_8));
            // The server got it (and echoed it): the answer is what is held.
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(proxy.bytesToServer()).isEqualTo(4);
            assertThat(proxy.bytesHeldToClient()).isEqualTo(4);
            proxy.resume();
            assertThat(read(client.getInputStream(), 4)).isEqualTo("sent");
        }
    }

    @Test
    void dropCutsEveryConnection() throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            client.setSoTimeout(2_000);
            client.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
            assertThat(read(client.getInputStream(), 4)).isEqualTo("ping");
            proxy.dropAll();
            assertThatThrownBy(() -> {
                int next = client.getInputStream().read();
                if (next < 0) {
                    throw new IOException("end of stream");
                }
            }).isInstanceOf(IOException.class);
        }
    }

    private static String read(InputStream in, int length) throws IOException {
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
