// The TDS test server's public surface (see docs/testing-sql.md).
export { startTdsTestServer, type TdsTestServer, type TdsTestServerOptions } from './server';
