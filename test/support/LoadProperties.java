// Reads .properties files exactly as RocketMQ 4.7.1's BrokerStartup reads its -c file:
//   InputStream in = new BufferedInputStream(new FileInputStream(file));
//   properties = new Properties();
//   properties.load(in);            // ISO-8859-1, backslash escapes, line continuations, '#'/'!' comments
// and prints every entry in an unambiguous form, for test/support/java-properties.ts.
//
// Run with the Java 11+ source launcher (no javac step):  java LoadProperties.java FILE...
// Output (ASCII only), per file in argument order:
//   FILE <TAB> base64(path)
//   then either   ENTRY <TAB> base64(UTF-8 of key) <TAB> base64(UTF-8 of value)   (sorted by key)
//   or            ERROR <TAB> base64(UTF-8 of "ExceptionClass: message")
//   and finally   END
// Exit code 0 even when a file fails (the ERROR line says so); 2 on a usage error.
import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

public class LoadProperties {
    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: java LoadProperties.java FILE...");
            System.exit(2);
        }
        PrintStream out = new PrintStream(System.out, false, "US-ASCII");
        for (String file : args) {
            out.print("FILE\t" + b64(file) + "\n");
            Properties properties = new Properties();
            try (InputStream in = new BufferedInputStream(new FileInputStream(file))) {
                properties.load(in);
                List<String> keys = new ArrayList<>(properties.stringPropertyNames());
                Collections.sort(keys);
                for (String k : keys) {
                    out.print("ENTRY\t" + b64(k) + "\t" + b64(properties.getProperty(k)) + "\n");
                }
            } catch (Exception e) {
                out.print("ERROR\t" + b64(e.getClass().getName() + ": " + e.getMessage()) + "\n");
            }
            out.print("END\n");
        }
        out.flush();
    }
}
