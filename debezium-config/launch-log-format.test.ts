// The reason a collector failed, read from Debezium Server's log in either of Quarkus' formats:
// what the operator puts into the pipeline's status.
import { describe, expect, it } from 'vitest';
import { lastErrorMessage } from './launch-log-format.ts';

describe('lastErrorMessage', () => {
  it("takes Debezium's summary line from a plain-text log", () => {
    const lines = [
      '2026-12-04 17:12:55,541 INFO [io.debezium.server] (main) Starting',
      '2026-12-04 17:12:55,703 ERROR [io.debezium.embedded.async.AsyncEmbeddedEngine] (pool-7-thread-1) Engine has failed with : io.debezium.DebeziumException: boom',
      "2026-12-04 17:12:55,707 ERROR [io.debezium.server.ConnectorLifecycle] (pool-7-thread-1) Connector completed: success = 'false', message = 'Connector configuration is not valid. Unable to connect. Error: The TCP/IP connection to the host 127.0.0.1, port 36407 has failed.', error = 'io.debezium.DebeziumException: same",
      '\tat java.base/java.lang.Thread.run(Thread.java:1583)',
    ];
    expect(lastErrorMessage(lines)).toBe(
      'Connector configuration is not valid. Unable to connect. Error: The TCP/IP connection to the host 127.0.0.1, port 36407 has failed.',
    );
  });

  it('adds the error part when the message stops at a colon', () => {
    const line =
      "2026-12-04 17:13:51,497 ERROR [io.debezium.server.ConnectorLifecycle] (pool-7-thread-1) Connector completed: success = 'false', message = 'Failed to establish connection with the database: ', error = 'java.sql.SQLException: Connection refused'";
    expect(lastErrorMessage([line])).toBe(
      'Failed to establish connection with the database: java.sql.SQLException: Connection refused',
    );
  });

  it('still reads JSON records', () => {
    const line = JSON.stringify({
      level: 'ERROR',
      message: 'Engine failed',
      exception: { message: 'no route' },
    });
    expect(lastErrorMessage([line])).toBe('Engine failed no route');
  });
});
