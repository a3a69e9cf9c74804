// The broker the test run starts when KAFKA_BROKERS is unset. Its port (and the controller's,
// port + 10001) lie below Linux's ephemeral range (32768-60999): an outbound connection left by
// an earlier run or a benchmark can then never hold it ("Address already in use").
export const TEST_KAFKA_PORT = '21092';
